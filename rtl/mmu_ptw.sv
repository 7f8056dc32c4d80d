// SPDX-License-Identifier: MIT
// The page-table walker: VMSAv8-64 stage 1, 4 KiB granule, from TTBR0
// (VaBits 48: levels 0..3; 39: 1..3), one descriptor read at a time over a
// valid/ready memory port, with a fully associative LRU walk cache per
// table level (the table descriptors read at L0, L1, L2, tagged by ASID).
// Faults as the architecture classifies them: translation (with level),
// access flag, permission (EL0), and a descriptor read the memory answered
// with an error (mem_resp_err_i): a synchronous external abort on the walk
// at the level of that read, which ends the walk without a walk-cache fill.
// No hardware AF/dirty updates.
//
// One walk at a time per core, for two reasons. The core translates one
// page at a time in program order (the traces are one in-order stream per
// core, and the MMU answers a page before it takes the next), so a second
// walk slot would never fill. And the walk caches and their LRU order must
// change in the order the golden walker (tb/walker.c) defines, the order of
// walks, for the lockstep comparison; overlapping walks would reorder those
// updates. The cores' walkers do overlap: each core has its own, and they
// share the memory port through the top's arbiter.
//
// A TLBI that arrives during a walk drops the walk caches it selects and
// restarts the walk once its outstanding read returns, so no walk ever
// completes with descriptors read before the invalidation. (mmu_core gives
// its walker TLBIs only between walks, so that a TLBI takes effect between
// two pages where the golden model can apply it; the restart serves the
// walker used on its own.)
`include "mmu_assert.svh"

module mmu_ptw #(
  parameter int unsigned VaBits    = 48,
  parameter int unsigned WcEntries = 4  // per level
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // walk requests
  input  logic                req_valid_i,
  output logic                req_ready_o,
  input  logic [63:0]         req_va_i,
  input  logic [63:0]         req_ttbr_i,    // table base [47:12], ASID [63:48]
  input  mmu_pkg::access_e    req_access_i,
  // results
  output logic                resp_valid_o,
  output mmu_pkg::fault_e     resp_fault_o,
  output logic [1:0]          resp_level_o,  // where the walk ended
  output mmu_pkg::tlb_entry_t resp_entry_o,  // the leaf, also with a permission fault
  // memory port: 64-bit descriptor reads
  output logic                mem_req_valid_o,
  input  logic                mem_req_ready_i,
  output logic [47:0]         mem_req_addr_o,
  input  logic                mem_resp_valid_i,
  input  logic [63:0]         mem_resp_data_i,
  input  logic                mem_resp_err_i,   // with valid: the read failed, data is void
  // TLB maintenance (only the non-leaf forms touch walk caches)
  input  logic                tlbi_valid_i,
  input  mmu_pkg::tlbi_op_e   tlbi_op_i,
  input  logic [63:0]         tlbi_operand_i,
  // performance counters; per walk-cache level l, bits [64*l +: 64]
  output logic [63:0]         cnt_walks_o,
  output logic [63:0]         cnt_reads_o,
  output logic [3*64-1:0]     cnt_wc_lookups_o,
  output logic [3*64-1:0]     cnt_wc_hits_o
);

  localparam int          FirstLevel = (VaBits == 48) ? 0 : 1;  // where a walk starts
  localparam logic [1:0]  StartLevel = 2'(FirstLevel);
  localparam int unsigned WcBits     = (WcEntries > 1) ? $clog2(WcEntries) : 1;

  if (VaBits != 48 && VaBits != 39) begin : g_bad_va
    $error("mmu_ptw: VaBits must be 48 or 39");
  end
  if (WcEntries < 1) begin : g_bad_wc
    $error("mmu_ptw: at least one walk-cache entry per level");
  end

  typedef enum logic [2:0] {
    Idle,     // waiting for a request
    Probe,    // looking the walk caches up
    Read,     // a descriptor read requested
    Wait,     // its data awaited
    Done      // the result on resp_*
  } state_e;

  state_e              state_q, state_d;
  logic [63:0]         va_q;
  logic [63:12]        ttbr_q;  // table base and ASID
  mmu_pkg::access_e    access_q;
  logic [1:0]          level_q, level_d;
  logic [35:0]         table_q, table_d;
  logic                restart_q, restart_d;
  mmu_pkg::fault_e     fault_q, fault_d;
  mmu_pkg::tlb_entry_t leaf_q, leaf_d;

  // The walk caches, a field each: entry [l][w] is way w of the cache of
  // the table descriptors read at level l.
  // A level's valid bits and LRU ranks are one word each, written whole.
  logic [WcEntries-1:0]             wc_valid_q [3];
  logic [15:0]                      wc_asid_q  [3][WcEntries];
  logic [35:0]                      wc_tag_q   [3][WcEntries];  // VA bits above the table it points to
  logic [35:0]                      wc_table_q [3][WcEntries];  // PA[47:12] of the next-level table
  logic [WcEntries*WcBits-1:0]      rank_q     [3];  // LRU, way w's at [w*WcBits +: WcBits], 0 newest
  logic [WcEntries*WcBits-1:0]      rank_d;          // the touched level's next ranks
  // What a cycle changes in them: the entries a TLBI drops (wc_kill), at
  // most one fill, and one level's LRU order (a hit or the fill). Only
  // those entries are written: the walker is idle most of the time, and
  // then its walk caches cost nothing to simulate.
  logic              fill_en;
  logic [1:0]        fill_level;
  logic [WcBits-1:0] fill_way;
  logic [35:0]       fill_tag, fill_table;
  logic              touch_en;
  logic [1:0]        touch_level;
  logic [WcBits-1:0] touch_way;

  function automatic logic [35:0] tag_of(input logic [63:0] va, input int unsigned l);
    tag_of = 36'(va >> (39 - 9 * l));
  endfunction

  // ---- walk caches: deepest hit first ----

  logic       wc_hit;
  logic [1:0] wc_level;
  logic [WcBits-1:0] wc_way;
  logic [2:0] wc_probed;  // levels looked up by this probe (counters)

  always_comb begin
    wc_hit    = 1'b0;
    wc_level  = '0;
    wc_way    = '0;
    wc_probed = '0;
    for (int l = 2; l >= 0; l--) begin
      // (only in the cycle of the probe: the compares cost simulation time)
      if (state_q == Probe && !wc_hit && l >= FirstLevel && WcEntries > 0) begin
        wc_probed[l] = 1'b1;
        for (int w = 0; w < WcEntries; w++) begin
          if (!wc_hit && wc_valid_q[l][w] && wc_asid_q[l][w] == ttbr_q[63:48] &&
              wc_tag_q[l][w] == tag_of(va_q, l)) begin
            wc_hit   = 1'b1;
            wc_level = 2'(l);
            wc_way   = WcBits'(w);
          end
        end
      end
    end
  end

  // the way a fill of level l takes: an invalid one first, else the LRU one
  function automatic logic [WcBits-1:0] wc_victim(input logic [WcEntries-1:0] valid,
                                                  input logic [WcEntries*WcBits-1:0] rank);
    logic found;
    wc_victim = '0;
    found     = 1'b0;
    for (int w = 0; w < WcEntries; w++) begin
      if (!found && !valid[w]) begin
        wc_victim = WcBits'(w);
        found     = 1'b1;
      end
    end
    if (!found) begin
      for (int w = 0; w < WcEntries; w++) begin
        if (rank[w*WcBits +: WcBits] == WcBits'(WcEntries - 1)) wc_victim = WcBits'(w);
      end
    end
  endfunction

  // ---- TLBI: non-leaf forms drop the entries they cover ----

  mmu_pkg::tlbi_target_t target;
  logic [1:0]            unused_ttl;  // a level hint names leaves: walk caches drop regardless
  assign target     = mmu_pkg::tlbi_decode(tlbi_op_i, tlbi_operand_i);
  assign unused_ttl = target.level;

  logic [WcEntries-1:0] wc_kill [3];  // entries the TLBI selects

  always_comb begin
    logic [63:0] start, last;  // the VAs an entry covers
    logic        sel;
    start = '0;
    last  = '0;
    sel   = 1'b0;
    for (int l = 0; l < 3; l++) wc_kill[l] = '0;
    if (tlbi_valid_i && !target.last_level) begin
      for (int l = 0; l < 3; l++) begin
        for (int w = 0; w < WcEntries; w++) begin
          start = 64'(wc_tag_q[l][w]) << (39 - 9 * l);
          last  = start + (64'd1 << (39 - 9 * l)) - 64'd1;
          if (target.all) sel = 1'b1;
          else if (!target.any_asid && wc_asid_q[l][w] != target.asid) sel = 1'b0;
          else if (target.asid_only) sel = 1'b1;
          else sel = start <= target.va_last && last >= target.va_start;
          wc_kill[l][w] = wc_valid_q[l][w] && sel;
        end
      end
    end
  end

  // ---- the walk ----

  logic [63:0] desc;
  assign desc = mem_resp_data_i;

  // EL0 access to a leaf with these UXN, AP[1] (user) and AP[2] (read-only) bits
  function automatic logic el0_permits(input logic uxn, input logic user, input logic rdonly,
                                       input mmu_pkg::access_e acc);
    unique case (acc)
      mmu_pkg::AccessExec:  el0_permits = !uxn;
      mmu_pkg::AccessWrite: el0_permits = user && !rdonly;
      default:              el0_permits = user;
    endcase
  endfunction

  logic [63:0] leaf_mask;  // the offset within a leaf at level_q
  assign leaf_mask = (64'd1 << (39 - 9 * 32'(level_q))) - 64'd1;

  always_comb begin
    state_d   = state_q;
    level_d   = level_q;
    table_d   = table_q;
    restart_d = restart_q;
    fault_d   = fault_q;
    leaf_d    = leaf_q;
    fill_en     = 1'b0;
    fill_level  = '0;
    fill_way    = '0;
    fill_tag    = '0;
    fill_table  = '0;
    touch_en    = 1'b0;
    touch_level = '0;
    touch_way   = '0;
    if (tlbi_valid_i && state_q != Idle && state_q != Done) restart_d = 1'b1;

    unique case (state_q)
      Idle: ;
      Probe: begin
        if (restart_q || tlbi_valid_i) begin
          restart_d = 1'b0;  // probe again next cycle, after the invalidation
        end else if (wc_hit) begin
          touch_en    = 1'b1;
          touch_level = wc_level;
          touch_way   = wc_way;
          level_d = wc_level + 2'd1;
          table_d = wc_table_q[wc_level][wc_way];
          state_d = Read;
        end else begin
          level_d = StartLevel;
          table_d = ttbr_q[47:12];
          state_d = Read;
        end
      end
      Read: if (mem_req_ready_i) state_d = Wait;
      Wait: begin
        if (mem_resp_valid_i) begin
          if (restart_q || tlbi_valid_i) begin
            restart_d = 1'b0;
            state_d   = Probe;  // everything read so far may be stale
          end else if (mem_resp_err_i) begin
            fault_d = mmu_pkg::FaultExtAbort;
            state_d = Done;
          end else if (!desc[0] || (level_q == 2'd0 && !desc[1]) || (level_q == 2'd3 && !desc[1])) begin
            fault_d = mmu_pkg::FaultTranslation;
            state_d = Done;
          end else if (level_q < 2'd3 && desc[1]) begin
            fill_en     = 1'b1;
            fill_level  = level_q;
            fill_way    = wc_victim(wc_valid_q[level_q], rank_q[level_q]);
            fill_tag    = tag_of(va_q, 32'(level_q));
            fill_table  = desc[47:12];
            touch_en    = 1'b1;
            touch_level = level_q;
            touch_way   = fill_way;
            table_d = desc[47:12];
            level_d = level_q + 2'd1;
            state_d = Read;
          end else begin
            leaf_d.vpn    = 52'((va_q & ~leaf_mask) >> 12);
            leaf_d.ppn    = 36'((desc[47:0] & ~leaf_mask[47:0]) >> 12);
            leaf_d.level  = level_q;
            leaf_d.global = !desc[11];
            leaf_d.asid   = ttbr_q[63:48];
            leaf_d.attrs  = desc & 64'hffff_0000_0000_0fff;
            fault_d = !desc[10] ? mmu_pkg::FaultAccessFlag :
                      !el0_permits(desc[54], desc[6], desc[7], access_q) ? mmu_pkg::FaultPermission :
                      mmu_pkg::FaultNone;
            state_d = Done;
          end
        end
      end
      Done: state_d = Idle;
      default: state_d = Idle;
    endcase
  end

  // a new request: TTBR0 range first
  logic       out_of_range;
  logic [11:0] unused_ttbr_low;  // CnP and reserved bits
  assign unused_ttbr_low = req_ttbr_i[11:0];
  assign out_of_range = (VaBits == 48) ? (req_va_i[63:48] != '0) : (req_va_i[63:39] != '0);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= Idle;
      va_q      <= '0;
      ttbr_q    <= '0;
      access_q  <= mmu_pkg::AccessRead;
      level_q   <= '0;
      table_q   <= '0;
      restart_q <= 1'b0;
      fault_q   <= mmu_pkg::FaultNone;
      leaf_q    <= '0;
    end else if (state_q == Idle && req_valid_i) begin
      va_q      <= req_va_i;
      ttbr_q    <= req_ttbr_i[63:12];
      access_q  <= req_access_i;
      restart_q <= 1'b0;
      leaf_q    <= '0;
      if (out_of_range) begin
        fault_q <= mmu_pkg::FaultTranslation;
        level_q <= StartLevel;
        state_q <= Done;
      end else begin
        fault_q <= mmu_pkg::FaultNone;
        state_q <= Probe;
      end
    end else begin
      state_q   <= state_d;
      level_q   <= level_d;
      table_q   <= table_d;
      restart_q <= restart_d;
      fault_q   <= fault_d;
      leaf_q    <= leaf_d;
    end
  end

  // LRU: the touched way becomes newest, newer ones age by one
  always_comb begin
    logic [WcEntries*WcBits-1:0] r;
    logic [WcBits-1:0]           age;  // the touched way's rank
    r      = '0;
    age    = '0;
    rank_d = '0;
    if (touch_en) begin  // (only then: the compares cost simulation time)
      r      = rank_q[touch_level];
      age    = r[32'(touch_way)*WcBits +: WcBits];
      rank_d = r;
      for (int w = 0; w < WcEntries; w++) begin
        if (r[w*WcBits +: WcBits] < age) rank_d[w*WcBits +: WcBits] = r[w*WcBits +: WcBits] + 1'b1;
      end
      rank_d[32'(touch_way)*WcBits +: WcBits] = '0;
    end
  end

  // (a fill or a touch never meets a TLBI: either waits a cycle)
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int l = 0; l < 3; l++) begin
        wc_valid_q[l] <= '0;
        for (int w = 0; w < WcEntries; w++) rank_q[l][w*WcBits +: WcBits] <= WcBits'(w);
      end
    end else begin
      if (tlbi_valid_i) begin
        for (int l = 0; l < 3; l++) wc_valid_q[l] <= wc_valid_q[l] & ~wc_kill[l];
      end
      if (fill_en) wc_valid_q[fill_level][fill_way] <= 1'b1;
      if (touch_en) rank_q[touch_level] <= rank_d;
    end
  end

  // the entries are storage without a reset: wc_valid_q guards them
  always_ff @(posedge clk_i) begin
    if (fill_en) begin
      wc_asid_q[fill_level][fill_way]  <= ttbr_q[63:48];
      wc_tag_q[fill_level][fill_way]   <= fill_tag;
      wc_table_q[fill_level][fill_way] <= fill_table;
    end
  end

  // ---- ports and counters ----

  assign req_ready_o     = state_q == Idle;
  assign mem_req_valid_o = state_q == Read;
  assign mem_req_addr_o  = {table_q, 9'(va_q >> (39 - 9 * 32'(level_q))), 3'b0};
  assign resp_valid_o    = state_q == Done;
  assign resp_fault_o    = fault_q;
  assign resp_level_o    = level_q;
  assign resp_entry_o    = leaf_q;

  logic [63:0] walks_q, reads_q;
  logic [63:0] lookups_q [3];
  logic [63:0] hits_q [3];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      walks_q <= '0;
      reads_q <= '0;
      for (int l = 0; l < 3; l++) begin
        lookups_q[l] <= '0;
        hits_q[l]    <= '0;
      end
    end else begin
      if (state_q == Idle && req_valid_i) walks_q <= walks_q + 1;
      if (state_q == Wait && mem_resp_valid_i) reads_q <= reads_q + 1;
      if (state_q == Probe && !restart_q && !tlbi_valid_i) begin
        for (int l = 0; l < 3; l++) begin
          if (wc_probed[l]) lookups_q[l] <= lookups_q[l] + 1;
          if (wc_hit && 32'(wc_level) == l) hits_q[l] <= hits_q[l] + 1;
        end
      end
    end
  end

  assign cnt_walks_o = walks_q;
  assign cnt_reads_o = reads_q;
  for (genvar l = 0; l < 3; l++) begin : g_cnt
    assign cnt_wc_lookups_o[64*l +: 64] = lookups_q[l];
    assign cnt_wc_hits_o[64*l +: 64]    = hits_q[l];
  end

  `MMU_ASSERT_INIT
  `MMU_ASSERT(MemAddrAligned, !mem_req_valid_o || mem_req_addr_o[2:0] == 3'b0)
  `MMU_ASSERT(RespOnlyWhenWaiting, !mem_resp_valid_i || state_q == Wait)
  `MMU_ASSERT(LevelInRange, state_q == Idle || state_q == Probe || level_q >= StartLevel)

endmodule
