// The RTL's one file list, in compile order, paths from the repository's top
// (or from share/mmusim once installed). Read by the Makefile, by
// `verilator -f rtl/mmu.f`, by tb/rtl/build_top.sh and by mmusim's hash of
// the sources a cached model came from (tb/rtl_backend.c). Headers are
// found through +incdir+ (every .svh there is a source too).
+incdir+rtl
rtl/mmu_pkg.sv
rtl/mmu_tlb.sv
rtl/mmu_ptw.sv
rtl/mmu_core.sv
rtl/mmu_top.sv
