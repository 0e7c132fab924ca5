/* SPDX-License-Identifier: MIT */
/*
 * The limits on what rmpsim accepts (issue 10 point 2), in one place so that
 * every layer checks the same numbers before doing any expensive work.
 * docs/cli.md lists them with the message and exit code of each.
 */
#ifndef RMPSIM_LIMITS_H
#define RMPSIM_LIMITS_H

/*
 * CPUs of a machine. Equal to the kernel shim's NR_CPUS (x86 Linux
 * CONFIG_MAXSMP, A80): a machine the shim could not boot is refused when its
 * description is read, not after an expensive topology import.
 */
#define RMPSIM_MAX_CPUS 8192
/* NUMA nodes of a machine: x86 Linux MAXSMP's MAX_NUMNODES (NODES_SHIFT 10). */
#define RMPSIM_MAX_NODES 1024
/*
 * Memory of a machine: 64 TiB (A201). The largest two-socket EPYC holds
 * 2 x 6 TiB (12 channels x 2 DIMMs x 256 GiB); 16 TiB must run (issue 14).
 */
#define RMPSIM_MAX_MEMORY_BYTES (64ull << 40)
/* Bytes of an hwloc synthetic description (a real one is under 200). */
#define RMPSIM_MAX_SYNTHETIC_LEN 4096
/* Levels of an hwloc synthetic description (hwloc itself has fewer than 20 types). */
#define RMPSIM_MAX_SYNTHETIC_LEVELS 32
/* Bytes of a topology XML file (an 8192-CPU `lstopo --of xml` is ~50 MiB). */
#define RMPSIM_MAX_XML_BYTES (256ull << 20)

/*
 * Scenario files (docs/scenarios.md). The INI reader (inih, Debian's build)
 * truncates lines at 200 bytes including the newline and its NUL, so longer
 * lines are refused rather than split (issue 10 point 6). A204.
 */
#define RMPSIM_MAX_INI_LINE 198
/* inih keeps 50 bytes of a section name, NUL included: longer "[guest NAME]" names are cut silently. */
#define RMPSIM_MAX_INI_SECTION	  49
#define RMPSIM_MAX_SCENARIO_BYTES (16u << 20)
#define RMPSIM_MAX_GUESTS	  4096
#define RMPSIM_MAX_EVENTS	  10000 /* events are kept sorted by insertion: O(n^2) */
/* Host writes of one scenario, in total (each one is simulated: ~0.1-1 us of wall time). */
#define RMPSIM_MAX_HOST_WRITES 100000000ull
/* Latest event time after boot: 30 days, far below the 2^64 ps (213 days) of the sim's clock. */
#define RMPSIM_MAX_EVENT_TIME_NS (30ull * 24 * 3600 * 1000000000ull)

#endif
