// SPDX-License-Identifier: MIT
// A TLB: set-associative (fully associative when Ways == Entries), ASID-
// tagged and global entries of 4 KiB, 2 MiB and 1 GiB, replacement by true
// LRU, tree-PLRU, FIFO or a seeded xorshift64 (invalid ways first), and
// every EL1 TLBI decoded in hardware, range forms included. The set index
// is the low bits of the VPN at each entry's own size, so a lookup probes
// one set per size; a lookup is answered in the next cycle, in which no
// fill may come (a TLBI may). One request (lookup, fill or TLBI) a cycle.
// Behaves exactly as tb/tlb.c.
`include "mmu_assert.svh"

module mmu_tlb #(
  parameter int unsigned Entries = 16,
  parameter int unsigned Ways    = 4,
  // a policy_e; an integer so that builds can set it from the command line
  parameter int unsigned ReplPolicy = 32'(mmu_pkg::PolicyLru),
  // xorshift64 state for PolicyRandom (nonzero)
  parameter logic [63:0] RandomState = 64'h1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // lookup of the page VA[63:12] for an ASID; the answer comes a cycle later
  input  logic                 lookup_valid_i,
  input  logic [51:0]          lookup_vpn_i,
  input  logic [15:0]          lookup_asid_i,
  output logic                 resp_valid_o,
  output logic                 resp_hit_o,
  output mmu_pkg::tlb_entry_t  resp_entry_o,
  // a new translation
  input  logic                 fill_valid_i,
  input  mmu_pkg::tlb_entry_t  fill_entry_i,
  // TLB maintenance
  input  logic                 tlbi_valid_i,
  input  mmu_pkg::tlbi_op_e    tlbi_op_i,
  input  logic [63:0]          tlbi_operand_i,
  // performance counters
  output logic [63:0]          cnt_lookups_o,
  output logic [63:0]          cnt_hits_o,
  output logic [63:0]          cnt_fills_o,
  output logic [63:0]          cnt_evictions_o,
  output logic [63:0]          cnt_invalidated_o
);

  localparam logic [1:0]  Policy    = ReplPolicy[1:0];  // a policy_e
  localparam int unsigned Sets      = Entries / Ways;
  localparam int unsigned SetBits   = (Sets > 1) ? $clog2(Sets) : 1;
  localparam int unsigned WayBits   = (Ways > 1) ? $clog2(Ways) : 1;
  localparam int unsigned TreeBits  = (Ways > 1) ? Ways : 2;  // nodes 1..Ways-1
  localparam int          TreeDepth = $clog2(Ways);           // PLRU: levels of nodes
  localparam int unsigned IdxBits   = (Entries > 1) ? $clog2(Entries) : 1;
  localparam int unsigned RankBits  = Ways * WayBits;  // a set's LRU/FIFO ranks

  if (Entries % Ways != 0 || (Sets & (Sets - 1)) != 0) begin : g_bad_geometry
    $error("mmu_tlb: Entries/Ways must be a power of two");
  end
  if (Policy == mmu_pkg::PolicyPlru && (Ways & (Ways - 1)) != 0) begin : g_bad_plru
    $error("mmu_tlb: PLRU needs a power-of-two number of ways");
  end

  // way w starts with rank w: a permutation in every set
  function automatic logic [RankBits-1:0] rank_init();
    for (int w = 0; w < Ways; w++) rank_init[w*WayBits +: WayBits] = WayBits'(w);
  endfunction

  // The entries, a field each (tlb_entry_t's): the tags that lookups and
  // TLBIs compare, and the data only a hit reads.
  logic [Entries-1:0]         valid_q;
  logic [51:0]                vpn_q   [Entries];
  logic [1:0]                 level_q [Entries];  // a level_e
  logic [Entries-1:0]         global_q;
  logic [15:0]                asid_q  [Entries];
  logic [35:0]                ppn_q   [Entries];
  logic [63:0]                attrs_q [Entries];
  // The replacement state of a set is one word, so a cycle writes only the
  // set it touches (the simulation cost of a large TLB stays per access).
  // Set s's is at [s*RankBits +: RankBits] (way w's rank, 0 newest, at
  // [w*WayBits +: WayBits]) and [s*TreeBits +: TreeBits]: one vector each,
  // so that a reset sets every set.
  logic [Sets*RankBits-1:0]   rank_q;
  logic [Sets*TreeBits-1:0]   tree_q;  // PLRU: bit n of a set's word steers node n
  logic [63:0]                rng_q;

  // ---- lookup: probe the set of each page size, 4 KiB first ----

  function automatic logic [SetBits-1:0] set_of(input logic [51:0] vpn, input logic [1:0] level);
    set_of = (Sets > 1) ? SetBits'(vpn >> (9 * (3 - 32'(level)))) : '0;
  endfunction

  // the VPN bits above a leaf's offset at this level
  function automatic logic [51:0] vpn_mask(input logic [1:0] level);
    vpn_mask = ~52'd0 << (9 * (3 - 32'(level)));
  endfunction

  function automatic logic [IdxBits-1:0] index(input logic [SetBits-1:0] set, input int w);
    index = IdxBits'(32'(set) * Ways + 32'(w));
  endfunction

  logic               hit;
  logic [IdxBits-1:0] hit_idx;
  logic [SetBits-1:0] hit_set;
  logic [WayBits-1:0] hit_way;

  // The lookup's key is registered with the request, and the entries are
  // compared with it in the cycle of the answer (the entries cannot change
  // in between: one request a cycle). So the compares, most of the cost of
  // simulating a TLB, depend on registers alone: a cycle's logic evaluates
  // them once, and only in the cycle after a lookup. Fully associative,
  // the three sizes' probes are of the one set, so one pass over the ways
  // finds the first hit of each size. Entries are aligned to their size
  // (FillIsAligned): an entry of level l maps the key if its VPN equals the
  // key's above the offset of level l.
  logic               key_valid_q;
  logic [51:0]        key_vpn_q;
  logic [15:0]        key_asid_q;

  always_comb begin
    logic [3:0]         found;  // per level (0: none)
    logic [WayBits-1:0] way [4];
    logic [51:0]        key [4];  // the key's VPN at each level's size
    logic [SetBits-1:0] s;
    logic [IdxBits-1:0] i;
    s       = '0;
    i       = '0;
    for (int l = 0; l < 4; l++) key[l] = key_vpn_q & vpn_mask(2'(l));
    hit     = 1'b0;
    hit_set = '0;
    hit_way = '0;
    found   = '0;
    for (int l = 0; l < 4; l++) way[l] = '0;
    if (key_valid_q && Sets == 1) begin
      for (int w = Ways - 1; w >= 0; w--) begin
        // entry w maps the page: a leaf, the same VPN above the leaf's
        // offset, the same ASID unless global
        if (valid_q[w] && level_q[w] != 2'd0 && vpn_q[w] == key[level_q[w]] &&
            (global_q[w] || asid_q[w] == key_asid_q)) begin
          found[level_q[w]] = 1'b1;
          way[level_q[w]]   = WayBits'(w);
        end
      end
      for (int l = 1; l <= 3; l++) begin  // the smallest page first
        if (found[l]) begin
          hit     = 1'b1;
          hit_way = way[l];
        end
      end
    end else if (key_valid_q) begin
      for (int l = 3; l >= 1; l--) begin
        for (int w = 0; w < Ways; w++) begin
          s = set_of(key_vpn_q, 2'(l));
          i = index(s, w);
          if (!hit && valid_q[i] && level_q[i] == 2'(l) && vpn_q[i] == key[l] &&
              (global_q[i] || asid_q[i] == key_asid_q)) begin
            hit     = 1'b1;
            hit_set = s;
            hit_way = WayBits'(w);
          end
        end
      end
    end
  end
  assign hit_idx = index(hit_set, 32'(hit_way));

  // ---- fill: invalid ways first, then the policy's victim ----

  function automatic logic [63:0] rng_next(input logic [63:0] x);
    logic [63:0] y;
    y        = x ^ (x << 13);
    y        = y ^ (y >> 7);
    rng_next = y ^ (y << 17);
  endfunction

  logic [SetBits-1:0] fill_set;
  logic [WayBits-1:0] victim;
  logic               need_random;

  always_comb begin
    logic                found;
    logic [TreeBits-1:0] tree;
    logic [RankBits-1:0] ranks;
    int unsigned         n;
    fill_set = set_of(fill_entry_i.vpn, fill_entry_i.level);
    tree     = '0;
    ranks    = '0;
    victim   = '0;
    found    = 1'b0;
    n        = 1;
    if (!fill_valid_i) begin
      found = 1'b1;  // (no fill: nothing to choose, no simulation cost)
    end else begin
      for (int w = 0; w < Ways; w++) begin
        if (!found && !valid_q[index(fill_set, w)]) begin
          victim = w[WayBits-1:0];
          found  = 1'b1;
        end
      end
    end
    need_random = !found && Policy == mmu_pkg::PolicyRandom;
    if (!found) begin
      tree  = tree_q[32'(fill_set)*TreeBits +: TreeBits];
      ranks = rank_q[32'(fill_set)*RankBits +: RankBits];
      unique case (Policy)
        mmu_pkg::PolicyPlru: begin  // from the root, the way each node points to
          for (int d = 0; d < TreeDepth; d++) n = 2 * n + 32'(tree[n]);
          victim = WayBits'(n - Ways);
        end
        mmu_pkg::PolicyRandom: victim = WayBits'(rng_next(rng_q) % 64'(Ways));
        default: begin  // LRU and FIFO: the oldest rank
          for (int w = 0; w < Ways; w++) begin
            if (ranks[w*WayBits +: WayBits] == WayBits'(Ways - 1)) victim = w[WayBits-1:0];
          end
        end
      endcase
    end
  end

  // ---- TLBI: every entry compared at once ----

  mmu_pkg::tlbi_target_t target;
  logic                  unused_last_level;  // a TLB holds leaves only: *L forms select the same
  assign target            = mmu_pkg::tlbi_decode(tlbi_op_i, tlbi_operand_i);
  assign unused_last_level = target.last_level;

  // Does the TLBI select entry i? (Leaf-only forms select every entry
  // here: a TLB holds leaves only.)
  logic [Entries-1:0] kill;
  always_comb begin
    logic [63:0] start, last;  // the entry's VAs
    logic        sel;
    kill  = '0;
    start = '0;
    last  = '0;
    sel   = 1'b0;
    if (tlbi_valid_i) begin  // (the compares cost simulation time: only when needed)
      for (int i = 0; i < Entries; i++) begin
        start = {vpn_q[i], 12'b0};
        last  = start + (64'd1 << mmu_pkg::level_shift(level_q[i])) - 64'd1;
        if (target.all) sel = 1'b1;
        else if (target.asid_only) sel = !global_q[i] && asid_q[i] == target.asid;
        else if (!target.any_asid && !global_q[i] && asid_q[i] != target.asid) sel = 1'b0;
        else if (target.level != 2'd0 && target.level != level_q[i]) sel = 1'b0;
        else sel = start <= target.va_last && last >= target.va_start;
        kill[i] = valid_q[i] && sel;
      end
    end
  end

  // ---- replacement state: only the set a lookup hit or a fill touched ----

  logic                touch;  // a lookup hit or a fill
  logic [SetBits-1:0]  touch_set;
  logic [WayBits-1:0]  touch_way;
  logic [RankBits-1:0] ranks_d;  // the touched set's next ranks
  logic [WayBits-1:0]  age;      // the touched way's rank
  logic [TreeBits-1:0] tree_d;   // ... and PLRU tree
  logic [IdxBits-1:0]  fill_idx;

  assign fill_idx = index(fill_set, 32'(victim));

  always_comb begin
    logic [RankBits-1:0] r;
    int unsigned         n;
    r         = '0;
    age       = '0;
    n         = 0;
    touch     = hit || fill_valid_i;  // (no fill in a cycle that answers: NoFillWhileAnswering)
    touch_set = fill_valid_i ? fill_set : hit_set;
    touch_way = fill_valid_i ? victim : hit_way;
    ranks_d   = '0;
    tree_d    = '0;
    // (computed only when a set is touched: a cycle without costs nothing;
    // nor does touching the newest way, which changes no rank)
    if (touch && Policy != mmu_pkg::PolicyPlru) begin
      r       = rank_q[32'(touch_set)*RankBits +: RankBits];
      age     = r[32'(touch_way)*WayBits +: WayBits];
    end
    if (touch && Policy != mmu_pkg::PolicyPlru && age != '0) begin
      // LRU: ranks newer than the touched way's age by one, it becomes newest
      ranks_d = r;
      for (int v = 0; v < Ways; v++) begin
        if (r[v*WayBits +: WayBits] < age) begin
          ranks_d[v*WayBits +: WayBits] = r[v*WayBits +: WayBits] + 1'b1;
        end
      end
      ranks_d[32'(touch_way)*WayBits +: WayBits] = '0;
    end
    if (touch && Policy == mmu_pkg::PolicyPlru) begin
      // PLRU: the nodes on the way's path, leaf to root, point away from it
      tree_d = tree_q[32'(touch_set)*TreeBits +: TreeBits];
      n      = Ways + 32'(touch_way);
      for (int d = 0; d < TreeDepth; d++) begin
        tree_d[n >> 1] = !n[0];
        n = n >> 1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
      rank_q  <= {Sets{rank_init()}};
      tree_q  <= '0;
      rng_q   <= RandomState;
      key_valid_q <= 1'b0;
    end else begin
      key_valid_q <= lookup_valid_i;
      if (tlbi_valid_i) valid_q <= valid_q & ~kill;
      if (fill_valid_i) valid_q[fill_idx] <= 1'b1;
      // FIFO ranks change on fills only
      if (touch && age != '0 && (Policy == mmu_pkg::PolicyLru ||
                                 (Policy == mmu_pkg::PolicyFifo && fill_valid_i))) begin
        rank_q[32'(touch_set)*RankBits +: RankBits] <= ranks_d;
      end
      if (touch && Policy == mmu_pkg::PolicyPlru) begin
        tree_q[32'(touch_set)*TreeBits +: TreeBits] <= tree_d;
      end
      if (fill_valid_i && need_random) rng_q <= rng_next(rng_q);
    end
  end

  // the entries are storage without a reset: valid_q guards them
  always_ff @(posedge clk_i) begin
    if (lookup_valid_i) begin
      key_vpn_q  <= lookup_vpn_i;
      key_asid_q <= lookup_asid_i;
    end
    if (fill_valid_i) begin
      vpn_q[fill_idx]    <= fill_entry_i.vpn;
      level_q[fill_idx]  <= fill_entry_i.level;
      asid_q[fill_idx]   <= fill_entry_i.asid;
      ppn_q[fill_idx]    <= fill_entry_i.ppn;
      attrs_q[fill_idx]  <= fill_entry_i.attrs;
      global_q[fill_idx] <= fill_entry_i.global;
    end
  end

  // ---- response and counters ----

  mmu_pkg::tlb_entry_t hit_entry;  // the entry at hit_idx, whole
  always_comb begin
    hit_entry.vpn    = vpn_q[hit_idx];
    hit_entry.ppn    = ppn_q[hit_idx];
    hit_entry.level  = level_q[hit_idx];
    hit_entry.global = global_q[hit_idx];
    hit_entry.asid   = asid_q[hit_idx];
    hit_entry.attrs  = attrs_q[hit_idx];
  end

  logic [63:0]         lookups_q, hits_q, fills_q, evictions_q, invalidated_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lookups_q     <= '0;
      hits_q        <= '0;
      fills_q       <= '0;
      evictions_q   <= '0;
      invalidated_q <= '0;
    end else begin
      if (lookup_valid_i) lookups_q <= lookups_q + 1;
      if (hit) hits_q <= hits_q + 1;
      if (fill_valid_i) fills_q <= fills_q + 1;
      if (fill_valid_i && valid_q[fill_idx]) evictions_q <= evictions_q + 1;
      if (tlbi_valid_i) invalidated_q <= invalidated_q + 64'($countones(kill));
    end
  end

  assign resp_valid_o      = key_valid_q;
  assign resp_hit_o        = hit;
  assign resp_entry_o      = hit_entry;
  assign cnt_lookups_o     = lookups_q;
  assign cnt_hits_o        = hits_q + 64'(hit);  // the answer of this cycle counted
  assign cnt_fills_o       = fills_q;
  assign cnt_evictions_o   = evictions_q;
  assign cnt_invalidated_o = invalidated_q;

  `MMU_ASSERT_INIT
  `MMU_ASSERT(OneRequestPerCycle, $onehot0({lookup_valid_i, fill_valid_i, tlbi_valid_i}))
  // A hit answered moves its way to newest at the end of the cycle, where a
  // fill would move its own: the two never meet (mmu_core fills two cycles
  // after a lookup at the earliest). A TLBI may meet an answer: it takes
  // the entries the answer read at the end of the cycle, after the answer.
  `MMU_ASSERT(NoFillWhileAnswering, !(key_valid_q && fill_valid_i))
  `MMU_ASSERT(FillHasALevel, !fill_valid_i || fill_entry_i.level != 2'd0)
  `MMU_ASSERT(FillIsAligned, !fill_valid_i ||
      (fill_entry_i.vpn & ((52'd1 << (9 * (3 - 32'(fill_entry_i.level)))) - 52'd1)) == '0)

endmodule
