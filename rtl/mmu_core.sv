// SPDX-License-Identifier: MIT
// The MMU of one core: an L1 instruction TLB, an L1 data TLB, a unified L2
// TLB (none when L2Entries is 0) and the page-table walker, translating one
// page at a time in the golden model's order (tb/mmu.c): L1 lookup; on a
// miss the L2 lookup and an L1 fill from it; on a miss there too (or with
// no L2) a walk, then fills of L2 and L1.
// The entry found is checked against the access (EL0 permissions). A TLBI
// reaches all three TLBs and the walk caches; it takes its own cycle, in
// which the translation stalls.
//
// The core takes a TLBI (tlbi_ready_o) only between two pages: while idle,
// or in the cycle the last page's answer goes out (the next page waits a
// cycle). A page in flight, walk included, finishes first with what it read
// (which may be the old mapping: it started before the TLBI), installs its
// entries and answers; the TLBI then removes what it installed. So a TLBI
// takes effect at a core at one point of its stream of pages, the golden
// model can apply it at the same point (tb/rtl_backend.c), and the answer
// that used an old entry leaves before the TLBI has been applied, so before
// any DSB that waits for it completes (mmu_top). The wait is the rest of
// the page: at most a walk and its fills.
`include "mmu_assert.svh"

module mmu_core #(
  parameter int unsigned L1iEntries  = 48,
  parameter int unsigned L1iWays     = 48,
  parameter int unsigned L1iPolicy   = 32'(mmu_pkg::PolicyLru),
  parameter int unsigned L1dEntries  = 48,
  parameter int unsigned L1dWays     = 48,
  parameter int unsigned L1dPolicy   = 32'(mmu_pkg::PolicyLru),
  parameter int unsigned L2Entries   = 1280,
  parameter int unsigned L2Ways      = 5,
  parameter int unsigned L2Policy    = 32'(mmu_pkg::PolicyLru),
  parameter int unsigned VaBits      = 48,
  parameter int unsigned WcEntries   = 4,
  parameter logic [63:0] RandomState = 64'h1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // one page of an access: its VA, kind, and the TTBR0 (table, ASID) in use
  input  logic              req_valid_i,
  output logic              req_ready_o,
  input  logic [63:0]       req_va_i,
  input  mmu_pkg::access_e  req_access_i,
  input  logic [63:0]       req_ttbr_i,
  output logic              resp_valid_o,
  output mmu_pkg::fault_e   resp_fault_o,
  output logic [1:0]        resp_level_o,   // the leaf's level, or where a walk faulted
  output logic [47:0]       resp_pa_o,
  output logic [1:0]        resp_source_o,  // a mmu_pkg::source_e: L1 hit, L2 hit, walked
  // no page in flight (the walker idle too): without a request or a TLBI
  // no register changes, so the clock may stop (mmu_top gates it)
  output logic              idle_o,
  // the walker's memory port
  output logic              mem_req_valid_o,
  input  logic              mem_req_ready_i,
  output logic [47:0]       mem_req_addr_o,
  input  logic              mem_resp_valid_i,
  input  logic [63:0]       mem_resp_data_i,
  input  logic              mem_resp_err_i,  // the read failed: the walk aborts
  // TLB maintenance: an operation is offered only while tlbi_ready_o
  output logic              tlbi_ready_o,
  input  logic              tlbi_valid_i,
  input  mmu_pkg::tlbi_op_e tlbi_op_i,
  input  logic [63:0]       tlbi_operand_i,
  // performance counters, 64 bits each: per TLB t (0 L1 I, 1 L1 D, 2 L2)
  // lookups, hits, fills, evictions, invalidated entries (counter c at
  // [64*(5*t+c) +: 64]); the walker's walks, reads and walk-cache lookups
  // and hits per level l ([64*l +: 64])
  output logic [15*64-1:0]  cnt_tlb_o,
  output logic [63:0]       cnt_walks_o,
  output logic [63:0]       cnt_reads_o,
  output logic [3*64-1:0]   cnt_wc_lookups_o,
  output logic [3*64-1:0]   cnt_wc_hits_o
);

  typedef enum logic [2:0] {
    Idle,     // waiting for a page to translate
    L1Look,   // L1 looked up, its answer this cycle
    L2Look,   // L2 looked up, its answer this cycle
    L1Fill,   // an L1 fill from L2 or the walk
    Walk,     // the walker at work
    L2Fill,   // the walk's leaf into L2
    Respond
  } state_e;

  state_e              state_q, state_d;
  logic [63:0]         va_q;
  mmu_pkg::access_e    access_q;
  logic [63:0]         ttbr_q;
  mmu_pkg::tlb_entry_t entry_q, entry_d;
  mmu_pkg::fault_e     fault_q, fault_d;
  logic [1:0]  level_q, level_d;
  mmu_pkg::source_e    source_q, source_d;
  logic        instr;

  assign instr = access_q == mmu_pkg::AccessExec;

  // ---- the TLBs ----

  logic        l1i_lookup, l1d_lookup, l2_lookup, l1i_fill, l1d_fill, l2_fill;
  logic        l1i_hit, l1d_hit, l2_hit;
  logic [2:0]  unused_rvalid;  // answers are due a fixed cycle later
  mmu_pkg::tlb_entry_t l1i_entry, l1d_entry, l2_entry;
  logic [51:0] l1_vpn;
  logic [15:0] l1_asid;

  // a new page is taken when idle or while the last answer goes out, and
  // its L1 lookup goes out with the request itself
  logic ready;
  assign ready   = state_q == Idle || state_q == Respond;
  assign l1_vpn  = ready ? req_va_i[63:12] : va_q[63:12];
  assign l1_asid = ready ? req_ttbr_i[63:48] : ttbr_q[63:48];

  mmu_tlb #(.Entries(L1iEntries), .Ways(L1iWays), .ReplPolicy(L1iPolicy),
            .RandomState(RandomState ^ 64'h1)) u_l1i (
    .clk_i, .rst_ni,
    .lookup_valid_i(l1i_lookup),
    .lookup_vpn_i(l1_vpn), .lookup_asid_i(l1_asid),
    .resp_valid_o(unused_rvalid[0]), .resp_hit_o(l1i_hit), .resp_entry_o(l1i_entry),
    .fill_valid_i(l1i_fill), .fill_entry_i(entry_q),
    .tlbi_valid_i, .tlbi_op_i, .tlbi_operand_i,
    .cnt_lookups_o(cnt_tlb_o[64*0 +: 64]), .cnt_hits_o(cnt_tlb_o[64*1 +: 64]),
    .cnt_fills_o(cnt_tlb_o[64*2 +: 64]), .cnt_evictions_o(cnt_tlb_o[64*3 +: 64]),
    .cnt_invalidated_o(cnt_tlb_o[64*4 +: 64]));

  mmu_tlb #(.Entries(L1dEntries), .Ways(L1dWays), .ReplPolicy(L1dPolicy),
            .RandomState(RandomState ^ 64'h2)) u_l1d (
    .clk_i, .rst_ni,
    .lookup_valid_i(l1d_lookup),
    .lookup_vpn_i(l1_vpn), .lookup_asid_i(l1_asid),
    .resp_valid_o(unused_rvalid[1]), .resp_hit_o(l1d_hit), .resp_entry_o(l1d_entry),
    .fill_valid_i(l1d_fill), .fill_entry_i(entry_q),
    .tlbi_valid_i, .tlbi_op_i, .tlbi_operand_i,
    .cnt_lookups_o(cnt_tlb_o[64*5 +: 64]), .cnt_hits_o(cnt_tlb_o[64*6 +: 64]),
    .cnt_fills_o(cnt_tlb_o[64*7 +: 64]), .cnt_evictions_o(cnt_tlb_o[64*8 +: 64]),
    .cnt_invalidated_o(cnt_tlb_o[64*9 +: 64]));

  // L2Entries == 0: no L2, an L1 miss walks at once and fills L1 only
  localparam bit HasL2 = L2Entries != 0;

  if (HasL2) begin : g_l2
    mmu_tlb #(.Entries(L2Entries), .Ways(L2Ways), .ReplPolicy(L2Policy),
              .RandomState(RandomState ^ 64'h3)) u_l2 (
      .clk_i, .rst_ni,
      .lookup_valid_i(l2_lookup),
      .lookup_vpn_i(va_q[63:12]), .lookup_asid_i(ttbr_q[63:48]),
      .resp_valid_o(unused_rvalid[2]), .resp_hit_o(l2_hit), .resp_entry_o(l2_entry),
      .fill_valid_i(l2_fill), .fill_entry_i(entry_q),
      .tlbi_valid_i, .tlbi_op_i, .tlbi_operand_i,
      .cnt_lookups_o(cnt_tlb_o[64*10 +: 64]), .cnt_hits_o(cnt_tlb_o[64*11 +: 64]),
      .cnt_fills_o(cnt_tlb_o[64*12 +: 64]), .cnt_evictions_o(cnt_tlb_o[64*13 +: 64]),
      .cnt_invalidated_o(cnt_tlb_o[64*14 +: 64]));
  end else begin : g_no_l2
    logic unused_l2;  // never looked up nor filled
    assign unused_l2         = l2_lookup | l2_fill;
    assign unused_rvalid[2]  = 1'b0;
    assign l2_hit            = 1'b0;
    assign l2_entry          = '0;
    assign cnt_tlb_o[64*10 +: 5*64] = '0;
  end

  // ---- the walker ----

  logic                ptw_req, ptw_ready, ptw_rvalid;
  mmu_pkg::fault_e     ptw_fault;
  logic [1:0]          ptw_level;
  mmu_pkg::tlb_entry_t ptw_entry;

  mmu_ptw #(.VaBits(VaBits), .WcEntries(WcEntries)) u_ptw (
    .clk_i, .rst_ni,
    .req_valid_i(ptw_req), .req_ready_o(ptw_ready), .req_va_i(va_q), .req_ttbr_i(ttbr_q),
    .req_access_i(access_q),
    .resp_valid_o(ptw_rvalid), .resp_fault_o(ptw_fault), .resp_level_o(ptw_level),
    .resp_entry_o(ptw_entry),
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_addr_o, .mem_resp_valid_i, .mem_resp_data_i,
    .mem_resp_err_i,
    .tlbi_valid_i, .tlbi_op_i, .tlbi_operand_i,
    .cnt_walks_o, .cnt_reads_o, .cnt_wc_lookups_o, .cnt_wc_hits_o);

  // ---- the translation ----

  // a fault that leaves no entry to install: the level is where the walk ended
  function automatic logic walk_fault(input mmu_pkg::fault_e f);
    walk_fault = f == mmu_pkg::FaultTranslation || f == mmu_pkg::FaultAccessFlag ||
                 f == mmu_pkg::FaultExtAbort;
  endfunction

  // EL0 permission of a leaf with these UXN, AP[1] (user) and AP[2] (read-only) bits
  function automatic logic permits(input logic uxn, input logic user, input logic rdonly,
                                   input mmu_pkg::access_e acc);
    unique case (acc)
      mmu_pkg::AccessExec:  permits = !uxn;
      mmu_pkg::AccessWrite: permits = user && !rdonly;
      default:              permits = user;
    endcase
  endfunction

  logic stall;   // a TLBI has this cycle: no TLB request
  logic accept;  // a new page: its L1 lookup goes out at once
  assign stall  = tlbi_valid_i;
  assign accept = ready && req_valid_i && !stall;

  // between two pages (see above)
  assign tlbi_ready_o = state_q == Idle || state_q == Respond;

  always_comb begin
    state_d    = state_q;
    entry_d    = entry_q;
    fault_d    = fault_q;
    level_d    = level_q;
    source_d   = source_q;
    l1i_lookup = 1'b0;
    l1d_lookup = 1'b0;
    l2_lookup  = 1'b0;
    l1i_fill   = 1'b0;
    l1d_fill   = 1'b0;
    l2_fill    = 1'b0;
    ptw_req    = 1'b0;
    unique case (state_q)
      Idle: ;
      L1Look: begin
        // the lookup was issued on entry (see below); its answer is here
        if (instr ? l1i_hit : l1d_hit) begin
          entry_d  = instr ? l1i_entry : l1d_entry;
          source_d = mmu_pkg::SourceL1;
          state_d  = Respond;
        end else if (HasL2) begin
          l2_lookup = 1'b1;
          state_d   = L2Look;
        end else begin
          source_d = mmu_pkg::SourceWalk;
          state_d  = Walk;
        end
      end
      L2Look: if (l2_hit) begin
          entry_d  = l2_entry;
          source_d = mmu_pkg::SourceL2;
          state_d  = L1Fill;
        end else begin
          source_d = mmu_pkg::SourceWalk;
          state_d  = Walk;
        end
      Walk: begin
        ptw_req = ptw_ready;
        if (ptw_rvalid) begin
          entry_d = ptw_entry;
          fault_d = ptw_fault;
          level_d = ptw_level;
          state_d = walk_fault(ptw_fault) ? Respond : HasL2 ? L2Fill : L1Fill;
        end
      end
      L2Fill: begin
        l2_fill = 1'b1;
        state_d = L1Fill;
      end
      L1Fill: begin
        l1i_fill = instr;
        l1d_fill = !instr;
        state_d  = Respond;
      end
      Respond: state_d = Idle;
      default: state_d = Idle;
    endcase
    if (accept) begin
      l1i_lookup = req_access_i == mmu_pkg::AccessExec;
      l1d_lookup = req_access_i != mmu_pkg::AccessExec;
    end
    if (state_d == Respond && state_q != Respond && fault_d == mmu_pkg::FaultNone &&
        !permits(entry_d.attrs[54], entry_d.attrs[6], entry_d.attrs[7], access_q)) begin
      fault_d = mmu_pkg::FaultPermission;
    end
    if (state_d == Respond && state_q != Respond && !walk_fault(fault_d)) begin
      level_d = entry_d.level;
    end
  end


  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= Idle;
      va_q     <= '0;
      access_q <= mmu_pkg::AccessRead;
      ttbr_q   <= '0;
      entry_q  <= '0;
      fault_q  <= mmu_pkg::FaultNone;
      level_q  <= '0;
      source_q <= mmu_pkg::SourceL1;
    end else if (accept) begin
      va_q     <= req_va_i;
      access_q <= req_access_i;
      ttbr_q   <= req_ttbr_i;
      fault_q  <= mmu_pkg::FaultNone;
      state_q  <= L1Look;
    end else begin
      state_q  <= state_d;
      entry_q  <= entry_d;
      fault_q  <= fault_d;
      level_q  <= level_d;
      source_q <= source_d;
    end
  end

  assign req_ready_o   = ready && !stall;
  assign idle_o        = state_q == Idle;  // the walker answered before the core left Walk
  assign resp_valid_o  = state_q == Respond;
  assign resp_fault_o  = fault_q;
  assign resp_level_o  = level_q;
  assign resp_pa_o     = {entry_q.ppn, 12'b0} |
                         (va_q[47:0] & ((48'd1 << mmu_pkg::level_shift(entry_q.level)) - 48'd1));
  assign resp_source_o = source_q;

  `MMU_ASSERT_INIT
  `MMU_ASSERT(TlbiOnlyWhenReady, !tlbi_valid_i || tlbi_ready_o)
  // so no page fills an entry after a TLBI it met (the stale fill), and the
  // walker never restarts inside the core
  `MMU_ASSERT(TlbiNotDuringWalk, !tlbi_valid_i || ptw_ready)
  `MMU_ASSERT(WalkOnlyAfterMisses, state_q != Walk || source_q == mmu_pkg::SourceWalk)
  `MMU_ASSERT(PermissionFaultHasEntry,
      !(resp_valid_o && resp_fault_o == mmu_pkg::FaultPermission) || entry_q.level != 2'd0)

endmodule
