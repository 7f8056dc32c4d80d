/* SPDX-License-Identifier: MIT */
// What every shim holds: a Verilated model in a context of its own, with
// assertions on and a failed one counted (errors()) rather than fatal.
#ifndef MMUSIM_VL_MODEL_H
#define MMUSIM_VL_MODEL_H

#include <verilated.h>

template <class V> struct vl_model {
	VerilatedContext ctx;
	V *top;

	vl_model()
	{
		ctx.assertOn(true);
		ctx.fatalOnError(false);
		top = new V(&ctx);
	}
	~vl_model()
	{
		top->final();
		delete top;
	}
	vl_model(const vl_model &) = delete;
	vl_model &operator=(const vl_model &) = delete;

	int errors() { return ctx.gotError() ? 1 : 0; }
};

/* Holds reset through one cycle of tick, then lets one more run. */
template <class S> static void reset_model(S *s, void (*tick)(S *))
{
	s->top->rst_ni = 0;
	tick(s);
	s->top->rst_ni = 1;
	tick(s);
}

#endif
