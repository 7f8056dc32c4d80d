// SPDX-License-Identifier: MIT
// Shared types and constants of the MMU: VMSAv8-64 stage-1 descriptors
// (4 KiB granule), the EL1 TLB maintenance operations and their operand
// encodings, and the replacement policies. Mirrors model/arm64.h.
//
// The RTL keeps to the SystemVerilog that both tools of Debian 12 take:
// simulation and lint with Verilator 5.006, synthesis with Yosys 0.23
// (read_verilog -sv; `make synth`). Yosys 0.23 takes no `import` (package
// names are written out, mmu_pkg::), no `return` (a function assigns its
// own name), no cast to a type (size casts such as 32'(x) only), no
// assignment pattern '{...}, no unpacked or multi-dimensional packed ports,
// no whole-array assignment, and struct members only of signals declared
// in a module's body (not of array elements, function arguments or block
// locals: arrays hold a field each). Verilator refuses bits converted to an
// enum without a cast, so what holds a level is declared as bits.
package mmu_pkg;

  // Leaf sizes by the level of the descriptor that maps them.
  typedef enum logic [1:0] {
    Level1G = 2'd1,
    Level2M = 2'd2,
    Level4K = 2'd3
  } level_e;

  // TLBI operations at EL1, in model/arm64.h's order.
  typedef enum logic [3:0] {
    TlbiVmalle1  = 4'd0,
    TlbiAside1   = 4'd1,
    TlbiVae1     = 4'd2,
    TlbiVale1    = 4'd3,
    TlbiVaae1    = 4'd4,
    TlbiVaale1   = 4'd5,
    TlbiRvae1    = 4'd6,
    TlbiRvale1   = 4'd7,
    TlbiRvaae1   = 4'd8,
    TlbiRvaale1  = 4'd9
  } tlbi_op_e;

  typedef enum logic [1:0] {
    PolicyLru    = 2'd0,
    PolicyPlru   = 2'd1,
    PolicyFifo   = 2'd2,
    PolicyRandom = 2'd3
  } policy_e;

  typedef enum logic [1:0] {
    AccessRead  = 2'd0,
    AccessWrite = 2'd1,
    AccessExec  = 2'd2
  } access_e;

  // Faults as the architecture classifies them (tb/xlat.h's order).
  // FaultExtAbort: a descriptor read answered with an error, the Arm ARM's
  // synchronous external abort on a translation table walk (FSC 0b0101LL,
  // LL the level).
  typedef enum logic [2:0] {
    FaultNone        = 3'd0,
    FaultTranslation = 3'd1,
    FaultAccessFlag  = 3'd2,
    FaultPermission  = 3'd3,
    FaultExtAbort    = 3'd4
  } fault_e;

  // Where a translation's answer came from (tb/xlat.h's enum xlat_source).
  typedef enum logic [1:0] {
    SourceL1   = 2'd0,
    SourceL2   = 2'd1,
    SourceWalk = 2'd2
  } source_e;

  // A translation as a TLB entry holds it.
  typedef struct packed {
    logic [51:0] vpn;     // VA[63:12] of the first page (canonical VA >> 12)
    logic [35:0] ppn;     // PA[47:12]
    logic [1:0]  level;   // a level_e (bits: see the note at the top)
    logic        global;
    logic [15:0] asid;
    logic [63:0] attrs;   // the leaf descriptor without its address
  } tlb_entry_t;

  // What a TLBI selects, decoded from its operand (model/arm64.c).
  typedef struct packed {
    logic        all;        // VMALLE1
    logic        any_asid;   // VAA* forms
    logic        asid_only;  // ASIDE1
    logic        last_level; // *L forms: leaf entries only
    logic [15:0] asid;
    logic [63:0] va_start;   // [va_start, va_last], canonical VAs: inclusive,
    logic [63:0] va_last;    // so a range may end at 2^64
    logic [1:0]  level;      // TTL level hint, 0: none
  } tlbi_target_t;

  function automatic logic [63:0] sext_from(input logic [63:0] v, input int unsigned bit_i);
    for (int i = 0; i < 64; i++) begin
      sext_from[i] = (i > bit_i) ? v[bit_i] : v[i];
    end
  endfunction

  function automatic logic tlbi_is_range(input tlbi_op_e op);
    tlbi_is_range = op >= mmu_pkg::TlbiRvae1;
  endfunction

  function automatic tlbi_target_t tlbi_decode(input tlbi_op_e op, input logic [63:0] x);
    logic        all, asid_only, last_level, any_asid;
    logic [63:0] va_start, va_last;
    logic [1:0]  level;
    logic [3:0]  ttl;
    logic [1:0]  tg, scale;
    logic [4:0]  num;
    logic [51:0] pages;  // at most 32 << 16
    logic [64:0] fin;
    all        = 1'b0;
    asid_only  = 1'b0;
    va_start   = '0;
    va_last    = '0;
    level      = 2'd0;
    last_level = (op == mmu_pkg::TlbiVale1) || (op == mmu_pkg::TlbiVaale1) ||
                 (op == mmu_pkg::TlbiRvale1) || (op == mmu_pkg::TlbiRvaale1);
    any_asid   = (op == mmu_pkg::TlbiVaae1) || (op == mmu_pkg::TlbiVaale1) ||
                 (op == mmu_pkg::TlbiRvaae1) || (op == mmu_pkg::TlbiRvaale1);
    unique case (op)
      mmu_pkg::TlbiVmalle1: all = 1'b1;
      mmu_pkg::TlbiAside1:  asid_only = 1'b1;
      mmu_pkg::TlbiVae1, mmu_pkg::TlbiVale1, mmu_pkg::TlbiVaae1, mmu_pkg::TlbiVaale1: begin
        ttl      = x[47:44];
        va_start = sext_from({8'b0, x[43:0], 12'b0}, 55);
        va_last  = va_start + 64'hfff;
        // a hint for another granule, or level 0, says nothing
        level    = (ttl[3:2] == 2'b01) ? ttl[1:0] : 2'd0;
      end
      default: begin
        tg    = x[47:46];
        scale = x[45:44];
        num   = x[43:39];
        pages = (52'(num) + 52'd1) << (5 * scale + 1);
        if (tg != 2'b01) begin
          // reserved or foreign granule: invalidating more is legal
          va_start = '0;
          va_last  = '1;
          level    = 2'd0;
        end else begin
          va_start = sext_from({15'b0, x[36:0], 12'b0}, 48);
          fin      = {1'b0, va_start} + {1'b0, pages, 12'b0} - 65'd1;
          va_last  = fin[64] ? '1 : fin[63:0];
          level    = x[38:37];
        end
      end
    endcase
    // the fields in tlbi_target_t's order (Yosys 0.23 takes no struct
    // member inside a function)
    tlbi_decode = {all, any_asid, asid_only, last_level, x[63:48], va_start, va_last, level};
  endfunction

  // log2 of a leaf's size in bytes.
  function automatic int unsigned level_shift(input logic [1:0] level);
    level_shift = 12 + 9 * (3 - 32'(level));
  endfunction

endpackage
