// SPDX-License-Identifier: MIT
// Assertions next to the logic they guard, on in every simulation
// (Verilator --assert), after lowRISC's prim_assert.sv. A module declares
// `MMU_ASSERT_INIT once: assertions hold from the first cycle after reset,
// without sampling the asynchronous reset itself.
//
// Synthesis tools define SYNTHESIS (Yosys does); there the macros expand to
// nothing, as prim_assert's do: Yosys 0.23 parses neither `disable iff` nor
// an action block, and the assertions' hierarchical references (mmu_top's
// into its cores) are not synthesizable. Verilator does not define it.
`ifndef MMU_ASSERT_SVH
`define MMU_ASSERT_SVH

`ifdef SYNTHESIS

`define MMU_ASSERT_INIT
`define MMU_ASSERT(__name, __prop)

`else

`define MMU_ASSERT_INIT \
  logic assert_en_q; \
  always_ff @(posedge clk_i or negedge rst_ni) begin \
    if (!rst_ni) assert_en_q <= 1'b0; \
    else         assert_en_q <= 1'b1; \
  end

`define MMU_ASSERT(__name, __prop) \
  __name: assert property (@(posedge clk_i) disable iff (!assert_en_q) (__prop)) \
    else $error("assertion %s failed", `"__name`");

`endif

`endif
