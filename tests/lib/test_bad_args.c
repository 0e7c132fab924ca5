/* SPDX-License-Identifier: MIT */
/*
 * NULL handles and missing arguments through the public headers other than
 * insn.h, the machine's instructions and sim.h (which have their own tables:
 * tests/insn, tests/machine, tests/sim test_*bad_input.c), as an embedder
 * calls them: through the shared librmpsim. One table: each row asserts what
 * the call returns (-EINVAL for the int functions unless the header names
 * another code, the neutral answer of a query: 0, false, NULL, "") and that
 * nothing was written: no ret_* argument (they start poisoned) and nothing to
 * the stream given (docs/api.md "Errors").
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rmpsim/rmpsim.h>

#include "bad_input.h"

/* A scratch stream per row: bad calls write nothing to it. */
struct bad_fix {
	FILE *out;
};

static void open_scratch(struct bad_fix *f)
{
	f->out = tmpfile();
	assert_non_null(f->out);
}
static const char *scratch_written(struct bad_fix *f)
{
	fflush(f->out);
	long n = ftell(f->out);
	fclose(f->out);
	return n ? "the stream (wrote to it)" : NULL;
}

/* ---- error.h, alloc.h ---- */
static long long diag_format_null(struct bad_fix *f)
{
	(void)f;
	char buf[8];
	memset(buf, 'x', sizeof(buf));
	const char *r = rmpsim_diag_format(NULL, buf, sizeof(buf));
	return r == buf && buf[0] == '\0' ? 0 : 1;
}
BAD_CALL(diag_format_null_buf, rmpsim_diag_format(NULL, NULL, 8) != NULL)
BAD_CALL(strerror_unknown, rmpsim_strerror(-99999) == NULL)
BAD_CALL(diag_fail_null, rmpsim_diag_fail(NULL, -ENOENT, "%s", "x"))
BAD_VOID_CALL(diag_at_null, rmpsim_diag_at(NULL, "f", 1, 2))
BAD_VOID_CALL(diag_set_class_null, rmpsim_diag_set_class(NULL, RMPSIM_ERR_INPUT))

/* ---- topology.h ---- */
BAD_CALL(topo_ncpus_null, rmpsim_topology_ncpus(NULL))
BAD_CALL(topo_nnodes_null, rmpsim_topology_nnodes(NULL))
BAD_CALL(topo_cpu_node_null, rmpsim_topology_cpu_node(NULL, 0))
BAD_CALL(topo_primary_null, rmpsim_topology_cpu_is_primary(NULL, 0))
BAD_CALL(topo_siblings_null, rmpsim_topology_cpu_siblings(NULL, 0, NULL, 4))
BAD_CALL(topo_core_cpu_null, rmpsim_topology_core_cpu(NULL, 0, 0))
BAD_CALL(topo_total_memory_null, rmpsim_topology_total_memory(NULL))
BAD_CALL(topo_l3_node_null, rmpsim_topology_l3_node(NULL, 0))
BAD_CALL(topo_regular_null_ret, rmpsim_topology_regular(NULL, 1, 1, 2, 2, 1ull << 30, NULL))
BAD_CALL(topo_synthetic_null_ret, rmpsim_topology_from_synthetic(NULL, "pack:1 core:2 pu:1", NULL, NULL))
BAD_CALL(topo_xml_null_ret, rmpsim_topology_from_xml(NULL, "/nonexistent.xml", NULL, NULL))
BAD_OUT_CALL(topo_copy_null, struct rmpsim_topology *, rmpsim_topology_copy(NULL, NULL, true, &o))
BAD_VOID_CALL(topo_destroy_null, rmpsim_topology_destroy(NULL))

/* ---- machine.h queries, firmware.h ---- */
BAD_CALL(m_topology_null, rmpsim_machine_topology(NULL) != NULL)
BAD_CALL(m_config_null, rmpsim_machine_config(NULL) != NULL)
BAD_CALL(m_rmp_null, rmpsim_machine_rmp(NULL) != NULL)
BAD_CALL(m_ncpus_null, rmpsim_machine_ncpus(NULL))
BAD_CALL(m_ram_ranges_null, rmpsim_machine_ram_ranges(NULL, NULL, 4))
BAD_CALL(m_max_pfn_null, rmpsim_machine_max_pfn(NULL))
BAD_CALL(m_is_ram_null, rmpsim_machine_is_ram(NULL, 0))
BAD_CALL(m_spa_node_null, rmpsim_machine_spa_node(NULL, 0))
BAD_CALL(m_rst_null, rmpsim_machine_rst(NULL, NULL) != NULL)
BAD_CALL(m_nregions_null, rmpsim_machine_nregions(NULL))
BAD_CALL(m_first_busy_null, rmpsim_machine_rmpopt_first_busy(NULL, 0, false))
BAD_CALL(m_home_node_null, rmpsim_machine_rmp_home_node(NULL, 0))
BAD_CALL(m_content_gen_null, rmpsim_machine_region_content_gen(NULL, 0))
BAD_CALL(m_snp_initialized_null, rmpsim_machine_snp_initialized(NULL))
BAD_CALL(m_optimized_null, rmpsim_machine_region_optimized(NULL, 0, 0))
BAD_CALL(m_optimized_all_null, rmpsim_machine_region_optimized_all(NULL, 0))
static long long m_cpuid_null(struct bad_fix *f)
{
	(void)f;
	struct rmpsim_cpuid_regs r;
	memset(&r, BAD_INPUT_POISON, sizeof(r));
	rmpsim_machine_cpuid(NULL, 0, 0x8000001fu, 0, &r);
	return r.eax | r.ebx | r.ecx | r.edx; /* zeroed: no machine, no features */
}
static long long m_counters_null(struct bad_fix *f)
{
	(void)f;
	struct rmpsim_cpu_counters c;
	memset(&c, BAD_INPUT_POISON, sizeof(c));
	rmpsim_machine_counters(NULL, 0, &c);
	return (long long)(c.rmpupdates | c.rmpopt_faults | c.writes_checked);
}
BAD_VOID_CALL(m_cpuid_null_ret, rmpsim_machine_cpuid(NULL, 0, 0, 0, NULL))
BAD_VOID_CALL(m_counters_null_ret, rmpsim_machine_counters(NULL, 0, NULL))
BAD_VOID_CALL(m_config_default_null, rmpsim_machine_config_default(NULL))
BAD_OUT_CALL(m_create_null_topo, struct rmpsim_machine *, rmpsim_machine_create(NULL, NULL, NULL, NULL, &o))
BAD_OUT_CALL(m_page_reclaim_null, enum rmpsim_fw_cmd_status, rmpsim_machine_snp_page_reclaim(NULL, 0, 0, &o))

/* ---- rmp.h ---- */
BAD_VOID_CALL(entry_encode_null, rmpsim_entry_encode(NULL, NULL))
BAD_VOID_CALL(entry_decode_null, rmpsim_entry_decode(NULL, NULL))
BAD_VOID_CALL(rmpread_encode_null, rmpsim_rmpread_encode(NULL, NULL))
BAD_VOID_CALL(rmpread_decode_null, rmpsim_rmpread_decode(NULL, NULL))
BAD_CALL(layout_segmented_null, rmpsim_layout_is_segmented(NULL))
BAD_CALL(layout_coverage_null, rmpsim_layout_coverage_end(NULL))
BAD_CALL(layout_covers_null, rmpsim_layout_covers(NULL, 0))
BAD_OUT_CALL(layout_entry_addr_null, uint64_t, rmpsim_layout_entry_addr(NULL, 0, &o))
BAD_CALL(layout_self_ranges_null, rmpsim_layout_self_ranges(NULL, NULL, 4))
BAD_OUT_CALL(layout_contiguous_null_ret, int,
	     rmpsim_layout_contiguous(NULL, 0, 1ull << 20, 1ull << 30, NULL, NULL))
BAD_OUT_CALL(rmp_create_null_layout, struct rmpsim_rmp *,
	     rmpsim_rmp_create(NULL, NULL, RMPSIM_RMP_SPARSE, &o))
BAD_CALL(rmp_layout_null, rmpsim_rmp_layout(NULL) != NULL)
BAD_CALL(rmp_memory_null, rmpsim_rmp_memory_bytes(NULL))
BAD_OUT_CALL(rmp_get_null, struct rmpsim_raw_entry, rmpsim_rmp_get(NULL, 0, &o))
BAD_CALL(rmp_set_null, rmpsim_rmp_set(NULL, 0, NULL))
BAD_CALL(rmp_2m_count_null, rmpsim_rmp_2m_assigned_count(NULL, 0))
BAD_CALL(rmp_2m_head_null, rmpsim_rmp_2m_head_assigned(NULL, 0))
BAD_CALL(rmp_1g_free_null, rmpsim_rmp_1g_is_free(NULL, 0)) /* no table: nothing assigned */
BAD_CALL(rmp_1g_first_busy_null, rmpsim_rmp_1g_first_busy_slot(NULL, 0))
BAD_CALL(rmp_for_each_null, rmpsim_rmp_2m_for_each_nonzero(NULL, 0, NULL, NULL))
BAD_CALL(rmp_snp_init_null, rmpsim_rmp_snp_init(NULL, NULL, 0))
BAD_CALL(rmp_unoptimizable_null, rmpsim_rmp_unoptimizable_1g(NULL, NULL, 4))

/* ---- profile.h ---- */
BAD_CALL(prof_get_null, rmpsim_profile_get_value(NULL, 0))
BAD_VOID_CALL(prof_set_value_null, rmpsim_profile_set_value(NULL, 0, 5))
BAD_CALL(prof_uncertain_null, rmpsim_profile_param_uncertain(NULL, 0))
BAD_VOID_CALL(prof_format_null_buf, rmpsim_profile_format_value(0, 1, NULL, 8))
BAD_CALL(prof_print_null, (rmpsim_profile_print(NULL, f->out), 0))
BAD_CALL(prof_print_null_file, (rmpsim_profile_print(rmpsim_profile_default(), NULL), 0))
BAD_CALL(prof_cycles_null, rmpsim_profile_cycles_to_ps(NULL, 1000))
BAD_CALL(prof_ps_to_cycles_null, rmpsim_profile_ps_to_cycles(NULL, 5))
BAD_CALL(prof_insn_null, rmpsim_profile_insn_mcyc(NULL, RMPSIM_INSN_PSMASH))
BAD_CALL(prof_set_null, rmpsim_profile_set(NULL, "ipi", "delivery_ns", "800", NULL))
BAD_OUT_CALL(prof_param_null_ret, int, rmpsim_profile_param(0, NULL))
BAD_CALL(prof_param_index_null, rmpsim_profile_param_index(NULL, NULL))
BAD_CALL(prof_load_null, rmpsim_profile_load(NULL, NULL, NULL))
BAD_CALL(prof_parse_null, rmpsim_profile_parse(NULL, NULL, NULL, NULL))

/* ---- report.h ---- */
static const struct rmpsim_report broken = { .nruns = 3 }; /* runs NULL */
BAD_CALL(rep_hash_null, rmpsim_report_trace_hash(NULL, 3) != rmpsim_report_trace_hash(NULL, 0))
BAD_CALL(rep_text_null, rmpsim_report_text(f->out, NULL))
BAD_CALL(rep_text_null_file, rmpsim_report_text(NULL, &broken))
BAD_CALL(rep_text_broken, rmpsim_report_text(f->out, &broken))
BAD_CALL(rep_csv_null, rmpsim_report_csv(f->out, NULL))
BAD_CALL(rep_csv_broken, rmpsim_report_csv(f->out, &broken))
BAD_CALL(rep_json_write_null, rmpsim_report_json_write(f->out, NULL, 0))
BAD_CALL(rep_json_write_null_file, rmpsim_report_json_write(NULL, &broken, 0))
static long long rep_json_null_ret(struct bad_fix *f)
{
	(void)f;
	struct rmpsim_report r = { .version = "x" };
	size_t len;
	memset(&len, BAD_INPUT_POISON, sizeof(len));
	return BAD_INPUT_UNTOUCHED(rmpsim_report_json(&r, 0, NULL, NULL, &len), len);
}
BAD_CALL(rep_html_null, rmpsim_report_html(f->out, NULL))
BAD_CALL(rep_fleet_text_null, rmpsim_report_fleet_text(f->out, NULL))
BAD_CALL(rep_fleet_csv_null, rmpsim_report_fleet_csv(f->out, NULL))
BAD_CALL(rep_fleet_json_null, rmpsim_report_fleet_json(f->out, NULL))
BAD_CALL(rep_sweep_html_null, rmpsim_report_sweep_html(f->out, NULL))
BAD_VOID_CALL(rep_free_text_null, rmpsim_report_free_text(NULL, NULL, 5))

/* ---- timeline.h ---- */
BAD_OUT_CALL(tl_set_parse_null, struct rmpsim_tl_set, rmpsim_tl_set_parse(NULL, 5, &o, NULL, 0))
BAD_CALL(tl_set_parse_null_ret, rmpsim_tl_set_parse("1-2", 5, NULL, NULL, 8))
BAD_CALL(tl_set_has_null, rmpsim_tl_set_has(NULL, 3)) /* no set selects everything */
BAD_OUT_CALL(tj_open_null_file, struct rmpsim_trace_json *,
	     rmpsim_trace_json_open(NULL, NULL, NULL, NULL, NULL, &o))
BAD_VOID_CALL(tj_begin_null, rmpsim_trace_json_begin_run(NULL, "x"))
BAD_VOID_CALL(tj_hook_null, rmpsim_trace_json_hook(NULL, NULL, NULL))
BAD_VOID_CALL(tj_end_null, rmpsim_trace_json_end_run(NULL))
BAD_CALL(tj_close_null, rmpsim_trace_json_close(NULL, NULL, 8))
BAD_CALL(hist_create_null, rmpsim_hist_create(NULL, NULL))
BAD_VOID_CALL(hist_hook_null, rmpsim_hist_hook(NULL, NULL, NULL))
BAD_VOID_CALL(hist_round_hook_null, rmpsim_hist_round_hook(NULL, NULL, NULL))
BAD_CALL(hist_write_null, rmpsim_hist_write_run(NULL, f->out, "x"))
BAD_OUT_CALL(hist_take_null, struct rmpsim_pass_profile, rmpsim_hist_take_run(NULL, &o))
BAD_VOID_CALL(hist_end_null, rmpsim_hist_end_run(NULL))
BAD_VOID_CALL(hist_destroy_null, rmpsim_hist_destroy(NULL))
BAD_VOID_CALL(pass_profile_free_null, rmpsim_pass_profile_free(NULL))
BAD_CALL(ftrace_create_null, rmpsim_ftrace_create(NULL, NULL))
BAD_VOID_CALL(ftrace_chunk_null, rmpsim_ftrace_set_chunk(NULL, 3))
BAD_VOID_CALL(ftrace_hook_null, rmpsim_ftrace_hook(NULL, NULL, NULL))
BAD_CALL(ftrace_write_null, rmpsim_ftrace_write_run(NULL, f->out, "x"))
BAD_VOID_CALL(ftrace_destroy_null, rmpsim_ftrace_destroy(NULL))

/* ---- fleet.h ---- */
BAD_CALL(fleet_parse_string_null_ret, rmpsim_fleet_parse_string("", 0, NULL, NULL, NULL, NULL))
BAD_OUT_CALL(fleet_parse_string_null_text, struct rmpsim_fleet,
	     rmpsim_fleet_parse_string(NULL, 5, "x.csv", NULL, &o, NULL))
BAD_OUT_CALL(fleet_parse_file_null, struct rmpsim_fleet, rmpsim_fleet_parse_file(NULL, NULL, &o, NULL))
BAD_VOID_CALL(fleet_free_null, rmpsim_fleet_free(NULL))
BAD_CALL(fleet_is_log_null, rmpsim_fleet_is_log(NULL))
BAD_CALL(placement_parse_null_ret, rmpsim_placement_parse("all", NULL))
BAD_OUT_CALL(fleet_run_null, struct rmpsim_fleet_result, rmpsim_fleet_run(NULL, NULL, NULL, &o, NULL))
BAD_VOID_CALL(fleet_result_free_null, rmpsim_fleet_result_free(NULL))
BAD_VOID_CALL(fleet_gen_default_null, rmpsim_fleet_gen_default(NULL))
BAD_CALL(fleet_generate_null, rmpsim_fleet_generate(NULL, f->out, NULL, NULL))

/* ---- workload.h ---- */
BAD_CALL(backing_parse_null_ret, rmpsim_backing_parse("4K", NULL))
BAD_CALL(state_parse_null_ret, rmpsim_wl_state_parse("full", NULL))
BAD_VOID_CALL(scenario_init_null, rmpsim_scenario_init(NULL, NULL))
BAD_VOID_CALL(scenario_free_null, rmpsim_scenario_free(NULL))
static long long scenario_add_guest_null(struct bad_fix *f)
{
	(void)f;
	struct rmpsim_guest g = { 0 };
	return rmpsim_scenario_add_guest(NULL, &g);
}
static long long scenario_add_guest_uninit(struct bad_fix *f)
{
	(void)f;
	struct rmpsim_scenario s = { 0 }; /* never rmpsim_scenario_init: no allocator */
	struct rmpsim_guest g = { 0 };
	int r = rmpsim_scenario_add_guest(&s, &g);
	return s.nguests || s.guests ? BAD_INPUT_WROTE : r;
}
BAD_CALL(scenario_add_event_null, rmpsim_scenario_add_event(NULL, NULL))
BAD_OUT_CALL(scenario_parse_file_null, struct rmpsim_scenario,
	     rmpsim_scenario_parse_file(NULL, NULL, &o, NULL))
BAD_OUT_CALL(scenario_parse_string_null, struct rmpsim_scenario,
	     rmpsim_scenario_parse_string(NULL, "x.ini", NULL, &o, NULL))
BAD_CALL(scenario_set_null, rmpsim_scenario_set(NULL, "scenario", "seed", "3", NULL))
BAD_CALL(builtins_null, rmpsim_builtins(NULL) == NULL)
BAD_CALL(bench_runs_null, rmpsim_benchmark_runs(NULL) == NULL)
BAD_OUT_CALL(scenario_builtin_null, struct rmpsim_scenario,
	     rmpsim_scenario_builtin(NULL, RMPSIM_BACKING_4K, NULL, &o))
BAD_CALL(scenario_builtin_null_ret, rmpsim_scenario_builtin("full", RMPSIM_BACKING_4K, NULL, NULL))
BAD_OUT_CALL(workload_run_null, struct rmpsim_run_result, rmpsim_workload_run(NULL, NULL, NULL, &o, NULL))
BAD_CALL(unc_percentile_null, rmpsim_unc_percentile(NULL, 3, 50))
static long long unc_profile_null(struct bad_fix *f)
{
	(void)f;
	struct rmpsim_profile p;
	memset(&p, BAD_INPUT_POISON, sizeof(p));
	rmpsim_unc_profile(NULL, 16, NULL, &p);
	return BAD_INPUT_UNTOUCHED(0, p);
}
BAD_OUT_CALL(unc_summarise_null, struct rmpsim_uncertainty,
	     rmpsim_unc_summarise(NULL, 16, NULL, NULL, NULL, &o))
BAD_CALL(unc_sample_null_ret,
	 rmpsim_unc_sample(rmpsim_profile_default(), 16, 1, 1, NULL, NULL, NULL, NULL, NULL))
BAD_OUT_CALL(unc_run_null, struct rmpsim_uncertainty, rmpsim_unc_run(NULL, NULL, NULL, 16, 1, NULL, &o, NULL))
BAD_CALL(parse_size_null_ret, rmpsim_parse_size("4K", NULL))
BAD_CALL(parse_time_null_ret, rmpsim_parse_time_ns("5s", NULL))
BAD_CALL(parse_u64_null_ret, rmpsim_parse_u64("5", NULL))

static const struct bad_call rows[] = {
	{ "diag_format NULL diag", diag_format_null, 0 },
	{ "diag_format NULL buf", diag_format_null_buf, 0 },
	{ "strerror unknown code", strerror_unknown, 0 },
	{ "diag_fail NULL diag", diag_fail_null, -ENOENT },
	{ "diag_at NULL", diag_at_null, 0 },
	{ "diag_set_class NULL", diag_set_class_null, 0 },
	{ "topology_ncpus NULL", topo_ncpus_null, 0 },
	{ "topology_nnodes NULL", topo_nnodes_null, 0 },
	{ "topology_cpu_node NULL", topo_cpu_node_null, 0 },
	{ "topology_cpu_is_primary NULL", topo_primary_null, 0 },
	{ "topology_cpu_siblings NULL", topo_siblings_null, 0 },
	{ "topology_core_cpu NULL", topo_core_cpu_null, 0 },
	{ "topology_total_memory NULL", topo_total_memory_null, 0 },
	{ "topology_l3_node NULL", topo_l3_node_null, 0 },
	{ "topology_regular NULL ret", topo_regular_null_ret, -EINVAL },
	{ "topology_from_synthetic NULL ret", topo_synthetic_null_ret, -EINVAL },
	{ "topology_from_xml NULL ret", topo_xml_null_ret, -EINVAL },
	{ "topology_copy NULL source", topo_copy_null, -EINVAL },
	{ "topology_destroy NULL", topo_destroy_null, 0 },
	{ "machine_topology NULL", m_topology_null, 0 },
	{ "machine_config NULL", m_config_null, 0 },
	{ "machine_rmp NULL", m_rmp_null, 0 },
	{ "machine_ncpus NULL", m_ncpus_null, 0 },
	{ "machine_ram_ranges NULL", m_ram_ranges_null, 0 },
	{ "machine_max_pfn NULL", m_max_pfn_null, 0 },
	{ "machine_is_ram NULL", m_is_ram_null, 0 },
	{ "machine_spa_node NULL", m_spa_node_null, -1 },
	{ "machine_rst NULL", m_rst_null, 0 },
	{ "machine_nregions NULL", m_nregions_null, 0 },
	{ "machine_rmpopt_first_busy NULL", m_first_busy_null, -1 },
	{ "machine_rmp_home_node NULL", m_home_node_null, -1 },
	{ "machine_region_content_gen NULL", m_content_gen_null, 0 },
	{ "machine_snp_initialized NULL", m_snp_initialized_null, 0 },
	{ "machine_region_optimized NULL", m_optimized_null, 0 },
	{ "machine_region_optimized_all NULL", m_optimized_all_null, 0 },
	{ "machine_cpuid NULL machine", m_cpuid_null, 0 },
	{ "machine_cpuid NULL ret", m_cpuid_null_ret, 0 },
	{ "machine_counters NULL machine", m_counters_null, 0 },
	{ "machine_counters NULL ret", m_counters_null_ret, 0 },
	{ "machine_config_default NULL", m_config_default_null, 0 },
	{ "machine_create NULL topology", m_create_null_topo, -EINVAL },
	{ "machine_snp_page_reclaim NULL", m_page_reclaim_null, -EINVAL },
	{ "entry_encode NULL", entry_encode_null, 0 },
	{ "entry_decode NULL", entry_decode_null, 0 },
	{ "rmpread_encode NULL", rmpread_encode_null, 0 },
	{ "rmpread_decode NULL", rmpread_decode_null, 0 },
	{ "layout_is_segmented NULL", layout_segmented_null, 0 },
	{ "layout_coverage_end NULL", layout_coverage_null, 0 },
	{ "layout_covers NULL", layout_covers_null, 0 },
	{ "layout_entry_addr NULL", layout_entry_addr_null, -EFAULT }, /* rmp.h: not covered */
	{ "layout_self_ranges NULL", layout_self_ranges_null, 0 },
	{ "layout_contiguous NULL ret", layout_contiguous_null_ret, -EINVAL },
	{ "rmp_create NULL layout", rmp_create_null_layout, -EINVAL },
	{ "rmp_layout NULL", rmp_layout_null, 0 },
	{ "rmp_memory_bytes NULL", rmp_memory_null, 0 },
	{ "rmp_get NULL", rmp_get_null, -EINVAL },
	{ "rmp_set NULL", rmp_set_null, -EINVAL },
	{ "rmp_2m_assigned_count NULL", rmp_2m_count_null, 0 },
	{ "rmp_2m_head_assigned NULL", rmp_2m_head_null, 0 },
	{ "rmp_1g_is_free NULL", rmp_1g_free_null, 1 },
	{ "rmp_1g_first_busy_slot NULL", rmp_1g_first_busy_null, -1 },
	{ "rmp_2m_for_each_nonzero NULL", rmp_for_each_null, -EINVAL },
	{ "rmp_snp_init NULL", rmp_snp_init_null, -EINVAL },
	{ "rmp_unoptimizable_1g NULL", rmp_unoptimizable_null, 0 },
	{ "profile_get_value NULL", prof_get_null, 0 },
	{ "profile_set_value NULL", prof_set_value_null, 0 },
	{ "profile_param_uncertain NULL", prof_uncertain_null, 0 },
	{ "profile_format_value NULL buf", prof_format_null_buf, 0 },
	{ "profile_print NULL profile", prof_print_null, 0 },
	{ "profile_print NULL file", prof_print_null_file, 0 },
	{ "profile_cycles_to_ps NULL", prof_cycles_null, 0 },
	{ "profile_ps_to_cycles NULL", prof_ps_to_cycles_null, 0 },
	{ "profile_insn_mcyc NULL", prof_insn_null, 0 },
	{ "profile_set NULL", prof_set_null, -EINVAL },
	{ "profile_param NULL ret", prof_param_null_ret, -EINVAL },
	{ "profile_param_index NULL", prof_param_index_null, -ENOENT }, /* profile.h */
	{ "profile_load NULL", prof_load_null, -EINVAL },
	{ "profile_parse NULL", prof_parse_null, -EINVAL },
	{ "report_trace_hash NULL runs", rep_hash_null, 0 },
	{ "report_text NULL report", rep_text_null, -EINVAL },
	{ "report_text NULL file", rep_text_null_file, -EINVAL },
	{ "report_text 3 runs, runs NULL", rep_text_broken, -EINVAL },
	{ "report_csv NULL report", rep_csv_null, -EINVAL },
	{ "report_csv 3 runs, runs NULL", rep_csv_broken, -EINVAL },
	{ "report_json_write NULL report", rep_json_write_null, -EINVAL },
	{ "report_json_write NULL file", rep_json_write_null_file, -EINVAL },
	{ "report_json NULL ret_text", rep_json_null_ret, -EINVAL },
	{ "report_html NULL", rep_html_null, -EINVAL },
	{ "report_fleet_text NULL", rep_fleet_text_null, -EINVAL },
	{ "report_fleet_csv NULL", rep_fleet_csv_null, -EINVAL },
	{ "report_fleet_json NULL", rep_fleet_json_null, -EINVAL },
	{ "report_sweep_html NULL", rep_sweep_html_null, -EINVAL },
	{ "report_free_text NULL", rep_free_text_null, 0 },
	{ "tl_set_parse NULL string", tl_set_parse_null, -EINVAL },
	{ "tl_set_parse NULL ret", tl_set_parse_null_ret, -EINVAL },
	{ "tl_set_has NULL", tl_set_has_null, 1 },
	{ "trace_json_open NULL file", tj_open_null_file, -EINVAL },
	{ "trace_json_begin_run NULL", tj_begin_null, 0 },
	{ "trace_json_hook NULL", tj_hook_null, 0 },
	{ "trace_json_end_run NULL", tj_end_null, 0 },
	{ "trace_json_close NULL", tj_close_null, -EINVAL },
	{ "hist_create NULL ret", hist_create_null, -EINVAL },
	{ "hist_hook NULL", hist_hook_null, 0 },
	{ "hist_round_hook NULL", hist_round_hook_null, 0 },
	{ "hist_write_run NULL", hist_write_null, -EINVAL },
	{ "hist_take_run NULL", hist_take_null, -EINVAL },
	{ "hist_end_run NULL", hist_end_null, 0 },
	{ "hist_destroy NULL", hist_destroy_null, 0 },
	{ "pass_profile_free NULL", pass_profile_free_null, 0 },
	{ "ftrace_create NULL ret", ftrace_create_null, -EINVAL },
	{ "ftrace_set_chunk NULL", ftrace_chunk_null, 0 },
	{ "ftrace_hook NULL", ftrace_hook_null, 0 },
	{ "ftrace_write_run NULL", ftrace_write_null, -EINVAL },
	{ "ftrace_destroy NULL", ftrace_destroy_null, 0 },
	{ "fleet_parse_string NULL ret", fleet_parse_string_null_ret, -EINVAL },
	{ "fleet_parse_string NULL text", fleet_parse_string_null_text, -EINVAL },
	{ "fleet_parse_file NULL path", fleet_parse_file_null, -EINVAL },
	{ "fleet_free NULL", fleet_free_null, 0 },
	{ "fleet_is_log NULL", fleet_is_log_null, 0 },
	{ "placement_parse NULL ret", placement_parse_null_ret, -EINVAL },
	{ "fleet_run NULL log", fleet_run_null, -EINVAL },
	{ "fleet_result_free NULL", fleet_result_free_null, 0 },
	{ "fleet_gen_default NULL", fleet_gen_default_null, 0 },
	{ "fleet_generate NULL", fleet_generate_null, -EINVAL },
	{ "backing_parse NULL ret", backing_parse_null_ret, -EINVAL },
	{ "wl_state_parse NULL ret", state_parse_null_ret, -EINVAL },
	{ "scenario_init NULL", scenario_init_null, 0 },
	{ "scenario_free NULL", scenario_free_null, 0 },
	{ "scenario_add_guest NULL scenario", scenario_add_guest_null, -EINVAL },
	{ "scenario_add_guest never initialised", scenario_add_guest_uninit, -EINVAL },
	{ "scenario_add_event NULL", scenario_add_event_null, -EINVAL },
	{ "scenario_parse_file NULL path", scenario_parse_file_null, -EINVAL },
	{ "scenario_parse_string NULL text", scenario_parse_string_null, -EINVAL },
	{ "scenario_set NULL", scenario_set_null, -EINVAL },
	{ "builtins NULL ret_n", builtins_null, 0 },
	{ "benchmark_runs NULL ret_n", bench_runs_null, 0 },
	{ "scenario_builtin NULL name", scenario_builtin_null, -EINVAL },
	{ "scenario_builtin NULL ret", scenario_builtin_null_ret, -EINVAL },
	{ "workload_run NULL scenario", workload_run_null, -EINVAL },
	{ "unc_percentile NULL", unc_percentile_null, 0 },
	{ "unc_profile NULL", unc_profile_null, 0 },
	{ "unc_summarise NULL", unc_summarise_null, -EINVAL },
	{ "unc_sample NULL runner", unc_sample_null_ret, -EINVAL },
	{ "unc_run NULL scenario", unc_run_null, -EINVAL },
	{ "parse_size NULL ret", parse_size_null_ret, -EINVAL },
	{ "parse_time_ns NULL ret", parse_time_null_ret, -EINVAL },
	{ "parse_u64 NULL ret", parse_u64_null_ret, -EINVAL },
};

static void every_entry_point(void **state)
{
	(void)state;
	struct bad_fix f;
	BAD_INPUT_RUN_CALLS(&f, rows, open_scratch, scratch_written);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_point),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
