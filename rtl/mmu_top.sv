// SPDX-License-Identifier: MIT
// The system: NumCores per-core MMUs, the broadcast fabric that carries
// Inner-Shareable TLBIs to every core (a ring: HopLatency cycles a hop from
// the issuing core), DSB ISH syncs that complete once every core has
// applied every earlier operation, and an arbiter giving the walkers one
// memory port (round robin, one read outstanding).
//
// When a DSB ISH completes. The Arm ARM (TLB maintenance instructions,
// their ordering and completion) makes a TLBI complete only once every
// memory access that used an entry it invalidated has been observed, and
// no later access can use such an entry; a DSB waits for the completion of
// every TLBI before it. A translation that started before the TLBI may
// still use the old mapping, but that use belongs before the DSB's end.
// So here:
//   - a core applies a TLBI only between two pages (mmu_core's
//     tlbi_ready_o): the page in flight, walk included, answers and installs
//     its entries first, and the TLBI then removes what it installed. Each
//     TLBI thus takes effect at one point of each core's stream of pages,
//     which tlbi_taken_o shows, so the golden model can apply it at the
//     same point;
//   - sync_done_o rises once every queue is empty: every earlier TLBI has
//     been applied at every core, so every answer that used an old entry
//     has left, and no fill of an old entry is still to come.
//
// For simulation: its per-core ports are unpacked arrays, which Yosys 0.23
// does not take (the modules below it synthesize: `make synth`).
`include "mmu_assert.svh"

module mmu_top
  import mmu_pkg::*;
#(
  parameter int unsigned NumCores    = 2,
  parameter int unsigned HopLatency  = 2,
  parameter int unsigned L1iEntries  = 48,
  parameter int unsigned L1iWays     = 48,
  parameter int unsigned L1dEntries  = 48,
  parameter int unsigned L1dWays     = 48,
  parameter int unsigned L2Entries   = 1280,
  parameter int unsigned L2Ways      = 5,
  parameter int unsigned L1iPolicy   = 32'(PolicyLru),
  parameter int unsigned L1dPolicy   = 32'(PolicyLru),
  parameter int unsigned L2Policy    = 32'(PolicyLru),
  parameter int unsigned VaBits      = 48,
  parameter int unsigned WcEntries   = 4,
  // the xorshift64 state of the random policy; core c's TLBs derive theirs
  // (RandomState ^ c << 8 ^ 1, 2, 3 for L1 I, L1 D, L2)
  parameter logic [63:0] RandomState = 64'h1,
  // the fabric's 32-bit clock at reset (it wraps; the tests start it just below)
  parameter logic [31:0] CycleStart  = 32'h0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // per core: one page to translate
  input  logic        req_valid_i  [NumCores],
  output logic        req_ready_o  [NumCores],
  input  logic [63:0] req_va_i     [NumCores],
  input  access_e     req_access_i [NumCores],
  input  logic [63:0] req_ttbr_i   [NumCores],
  output logic        resp_valid_o [NumCores],
  output fault_e      resp_fault_o [NumCores],
  output logic [1:0]  resp_level_o [NumCores],
  output logic [47:0] resp_pa_o    [NumCores],
  output logic [1:0]  resp_source_o[NumCores],
  // TLB maintenance from a core: local, or Inner Shareable (broadcast); the
  // fabric takes one while tlbi_ready_o (every core's queue has room)
  output logic        tlbi_ready_o,
  input  logic        tlbi_valid_i,
  input  logic [7:0]  tlbi_core_i,
  input  logic        tlbi_shareable_i,
  input  tlbi_op_e    tlbi_op_i,
  input  logic [63:0] tlbi_operand_i,
  // DSB ISH: done once every earlier operation reached every core
  input  logic        sync_valid_i,
  output logic        sync_done_o,
  // per core: it applies the oldest TLBI of its queue in this cycle (the
  // TLBIs reach a core in the order they were issued)
  output logic        tlbi_taken_o [NumCores],
  // per core: operations in its queue not yet applied (at most 8), for a
  // watchdog to say which core a sync waits for; and, for fault injection,
  // a hold that keeps the core from taking (acknowledging) any operation
  // while set (0 in normal use)
  output logic [7:0]  dvm_pending_o [NumCores],
  input  logic        dvm_hold_i    [NumCores],
  // the one memory port of all walkers
  output logic        mem_req_valid_o,
  input  logic        mem_req_ready_i,
  output logic [47:0] mem_req_addr_o,
  input  logic        mem_resp_valid_i,
  input  logic [63:0] mem_resp_data_i,
  input  logic        mem_resp_err_i,  // with valid: the read failed (the walk aborts)
  // per core counters (as mmu_core), and the fabric's
  output logic [63:0] cnt_tlb_o        [NumCores][3][5],
  output logic [63:0] cnt_walks_o      [NumCores],
  output logic [63:0] cnt_reads_o      [NumCores],
  output logic [63:0] cnt_wc_lookups_o [NumCores][3],
  output logic [63:0] cnt_wc_hits_o    [NumCores][3],
  output logic [63:0] cnt_dvm_ops_o,       // operations delivered to cores
  output logic [63:0] cnt_sync_cycles_o,   // cycles syncs waited, summed
  output logic [63:0] cnt_port_wait_o,     // cycles walkers waited for the memory port, summed
  output logic [63:0] cnt_dvm_busy_o       // operations that reached a core with a page in flight
);

  localparam int unsigned Depth     = 8;   // per-core queue of operations
  localparam int unsigned PtrBits   = $clog2(Depth);
  localparam int unsigned CoreBits  = (NumCores > 1) ? $clog2(NumCores) : 1;

  typedef struct packed {
    tlbi_op_e    op;
    logic [63:0] operand;
    logic [31:0] due;  // the cycle it reaches the core
  } dvm_t;

  logic [31:0] cycle_q;

  // ---- the fabric: a queue per core, in issue order ----

  dvm_t               queue_q [NumCores][Depth];
  logic [PtrBits:0]   count_q [NumCores];
  logic [PtrBits-1:0] head_q  [NumCores];
  logic               deliver [NumCores];
  logic               core_ready [NumCores];  // the core can take a TLBI
  dvm_t               head [NumCores];  // the oldest operation of each queue
  logic [NumCores-1:0] overflow;
  logic [NumCores-1:0] room;  // the queue can take one more

  // Whether the clock has reached a due time, across the wrap: due times lie
  // less than 2^31 cycles ahead.
  function automatic logic reached(input logic [31:0] now, input logic [31:0] due);
    logic [31:0] ahead = due - now;
    return ahead == '0 || ahead[31];
  endfunction

  function automatic logic [31:0] hops(input int unsigned src, input int unsigned dst);
    return 32'((dst + NumCores - src) % NumCores);
  endfunction

  for (genvar c = 0; c < NumCores; c++) begin : g_fabric
    logic targeted;
    assign targeted = tlbi_valid_i && (tlbi_shareable_i || int'(tlbi_core_i) == c);
    assign head[c]    = queue_q[c][head_q[c]];
    assign deliver[c] = count_q[c] != '0 && reached(cycle_q, head[c].due) && core_ready[c] &&
                        !dvm_hold_i[c];
    assign dvm_pending_o[c] = 8'(count_q[c]);

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        count_q[c] <= '0;
        head_q[c]  <= '0;
      end else begin
        if (targeted) begin
          queue_q[c][PtrBits'(int'(head_q[c]) + int'(count_q[c]))] <=
              '{op: tlbi_op_i, operand: tlbi_operand_i,
                due: cycle_q + 32'd1 + hops(int'(tlbi_core_i), c) * HopLatency};
        end
        if (deliver[c]) head_q[c] <= head_q[c] + 1'b1;
        count_q[c] <= count_q[c] + (PtrBits+1)'(targeted) - (PtrBits+1)'(deliver[c]);
      end
    end
    assign overflow[c]  = targeted && !deliver[c] && count_q[c] == (PtrBits+1)'(Depth);
    assign room[c]      = count_q[c] != (PtrBits+1)'(Depth);
  end
  // Back to back TLBIs fill a queue while they travel (1 + hops * HopLatency
  // cycles) and while its core holds one off (mmu_core): the issuer waits.
  assign tlbi_ready_o = &room;

  // ---- the sync: every queue drained ----

  logic waiting_q;
  logic drained;

  always_comb begin
    drained = 1'b1;
    for (int c = 0; c < NumCores; c++) drained &= count_q[c] == '0;
    drained &= !tlbi_valid_i;  // a TLBI of this cycle comes before a sync of it
  end

  logic [63:0] dvm_q, sync_cycles_q, delivered;

  always_comb begin
    delivered = '0;
    for (int c = 0; c < NumCores; c++) delivered += 64'(deliver[c]);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cycle_q       <= CycleStart;
      waiting_q     <= 1'b0;
      dvm_q         <= '0;
      sync_cycles_q <= '0;
    end else begin
      cycle_q <= cycle_q + 1;
      if (sync_valid_i && !drained) waiting_q <= 1'b1;
      else if (drained) waiting_q <= 1'b0;
      if (waiting_q || (sync_valid_i && !drained)) sync_cycles_q <= sync_cycles_q + 1;
      dvm_q <= dvm_q + delivered;
    end
  end

  assign sync_done_o       = (sync_valid_i || waiting_q) && drained;
  for (genvar c = 0; c < NumCores; c++) begin : g_taken
    assign tlbi_taken_o[c] = deliver[c];
  end

  assign cnt_dvm_ops_o     = dvm_q;
  assign cnt_sync_cycles_o = sync_cycles_q;

  // ---- clock gating: a core is clocked only while it has work ----
  //
  // An idle core (mmu_core's idle_o: no page in flight) with no request and
  // no TLBI to take changes no register, so its clock stops, as a hardware
  // MMU's would to save power; a simulator then skips its logic, so idle
  // cores cost little to simulate. The gate is the usual latch-based one:
  // the enable passes while the clock is low and holds while it is high, so
  // the gated clock has no glitch. Every core runs in the first cycle after
  // reset (its assertions start then).

  logic core_clk  [NumCores];
  logic core_idle [NumCores];
  logic awake_q;  // past the first cycle after reset

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) awake_q <= 1'b0;
    else         awake_q <= 1'b1;
  end

  for (genvar c = 0; c < NumCores; c++) begin : g_clock
    logic en, en_latched;
    assign en = !awake_q || !core_idle[c] || req_valid_i[c] || deliver[c];
    always_latch begin
      if (!clk_i) en_latched = en;
    end
    assign core_clk[c] = clk_i & en_latched;
  end

  // ---- the cores ----

  logic        core_mem_valid [NumCores];
  logic        core_mem_ready [NumCores];
  logic [47:0] core_mem_addr  [NumCores];
  logic        core_mem_rvalid[NumCores];

  for (genvar c = 0; c < NumCores; c++) begin : g_core
    logic [15*64-1:0] cnt_tlb;  // mmu_core's packed counters, unpacked below
    logic [3*64-1:0]  cnt_wc_lookups, cnt_wc_hits;

    mmu_core #(
      .L1iEntries(L1iEntries), .L1iWays(L1iWays), .L1iPolicy(L1iPolicy),
      .L1dEntries(L1dEntries), .L1dWays(L1dWays), .L1dPolicy(L1dPolicy),
      .L2Entries(L2Entries), .L2Ways(L2Ways), .L2Policy(L2Policy),
      .VaBits(VaBits), .WcEntries(WcEntries), .RandomState(RandomState ^ (64'(c) << 8))
    ) u_core (
      .clk_i(core_clk[c]), .rst_ni,
      .req_valid_i(req_valid_i[c]), .req_ready_o(req_ready_o[c]), .req_va_i(req_va_i[c]),
      .req_access_i(req_access_i[c]), .req_ttbr_i(req_ttbr_i[c]),
      .resp_valid_o(resp_valid_o[c]), .resp_fault_o(resp_fault_o[c]),
      .resp_level_o(resp_level_o[c]), .resp_pa_o(resp_pa_o[c]),
      .resp_source_o(resp_source_o[c]), .idle_o(core_idle[c]),
      .mem_req_valid_o(core_mem_valid[c]), .mem_req_ready_i(core_mem_ready[c]),
      .mem_req_addr_o(core_mem_addr[c]), .mem_resp_valid_i(core_mem_rvalid[c]),
      .mem_resp_data_i, .mem_resp_err_i,
      .tlbi_ready_o(core_ready[c]), .tlbi_valid_i(deliver[c]), .tlbi_op_i(head[c].op),
      .tlbi_operand_i(head[c].operand),
      .cnt_tlb_o(cnt_tlb), .cnt_walks_o(cnt_walks_o[c]), .cnt_reads_o(cnt_reads_o[c]),
      .cnt_wc_lookups_o(cnt_wc_lookups), .cnt_wc_hits_o(cnt_wc_hits));

    for (genvar t = 0; t < 3; t++) begin : g_cnt
      for (genvar k = 0; k < 5; k++) begin : g_tlb
        assign cnt_tlb_o[c][t][k] = cnt_tlb[64*(5*t+k) +: 64];
      end
      assign cnt_wc_lookups_o[c][t] = cnt_wc_lookups[64*t +: 64];
      assign cnt_wc_hits_o[c][t]    = cnt_wc_hits[64*t +: 64];
    end
  end

  // ---- the memory arbiter: round robin, one read outstanding ----

  logic [CoreBits-1:0] grant_q, grant_d, last_q;
  logic                busy_q;
  logic                found;

  always_comb begin
    grant_d = grant_q;
    found   = 1'b0;
    for (int k = 1; k <= NumCores; k++) begin
      logic [CoreBits-1:0] c = CoreBits'((int'(last_q) + k) % NumCores);
      if (!found && core_mem_valid[c]) begin
        grant_d = c;
        found   = 1'b1;
      end
    end
  end

  logic [CoreBits-1:0] sel;
  assign sel             = busy_q ? grant_q : grant_d;
  assign mem_req_valid_o = !busy_q && found;
  assign mem_req_addr_o  = core_mem_addr[sel];

  for (genvar c = 0; c < NumCores; c++) begin : g_route
    assign core_mem_ready[c]  = !busy_q && found && grant_d == CoreBits'(c) && mem_req_ready_i;
    assign core_mem_rvalid[c] = busy_q && grant_q == CoreBits'(c) && mem_resp_valid_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      grant_q <= '0;
      last_q  <= CoreBits'(NumCores - 1);
    end else if (!busy_q && found && mem_req_ready_i) begin
      busy_q  <= 1'b1;
      grant_q <= grant_d;
      last_q  <= grant_d;
    end else if (busy_q && mem_resp_valid_i) begin
      busy_q <= 1'b0;
    end
  end

  // ---- counters: walkers held off the memory port, and TLBIs that met a page in flight
  //
  // A TLBI met a page in flight if its core had one in some cycle from the
  // TLBI's arrival (its due time, at the head of the queue) to its delivery.
  logic [63:0] port_wait_q, dvm_busy_q, waiting_walkers, busy_deliveries;
  logic [NumCores-1:0] met_q;  // the head TLBI has met a page in flight

  for (genvar c = 0; c < NumCores; c++) begin : g_met
    logic arrived;
    assign arrived = count_q[c] != '0 && reached(cycle_q, head[c].due);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)       met_q[c] <= 1'b0;
      else if (deliver[c]) met_q[c] <= 1'b0;
      else if (arrived && !core_idle[c]) met_q[c] <= 1'b1;
    end
  end

  always_comb begin
    waiting_walkers = '0;
    busy_deliveries = '0;
    for (int c = 0; c < NumCores; c++) begin
      waiting_walkers += 64'(core_mem_valid[c] && !core_mem_ready[c]);
      busy_deliveries += 64'(deliver[c] && (met_q[c] || !core_idle[c]));
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      port_wait_q <= '0;
      dvm_busy_q  <= '0;
    end else begin
      port_wait_q <= port_wait_q + waiting_walkers;
      dvm_busy_q  <= dvm_busy_q + busy_deliveries;
    end
  end
  assign cnt_port_wait_o = port_wait_q;
  assign cnt_dvm_busy_o  = dvm_busy_q;

  `MMU_ASSERT_INIT
  `MMU_ASSERT(ResponseOnlyWhenBusy, !mem_resp_valid_i || busy_q)
  `MMU_ASSERT(TlbiFromACore, !tlbi_valid_i || int'(tlbi_core_i) < NumCores)
  `MMU_ASSERT(TlbiOnlyWithRoom, !tlbi_valid_i || tlbi_ready_o)
  `MMU_ASSERT(QueueNotFull, overflow == '0)

endmodule
