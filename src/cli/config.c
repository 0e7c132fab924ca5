/* SPDX-License-Identifier: MIT */
/* --set KEY=VALUE: one configuration without a file (config.h, docs/cli.md "Settings"). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/limits.h>
#include <rmpsim/topology.h>

#include "rmpsim/policy.h"

#include "config.h"

/*
 * The fields of a regular machine (machine.FIELD): unset fields keep the
 * built-in default machine's values (RMPSIM_TOPOLOGY_DEFAULT_SYNTHETIC).
 */
enum { PACKAGES, NODES_PER_PACKAGE, L3_PER_NODE, CORES_PER_L3, THREADS_PER_CORE, NODE_MEMORY, NFIELDS };
static const struct {
	const char *key;
	uint64_t def;
} fields[NFIELDS] = {
	[PACKAGES] = { "packages", 2 },
	[NODES_PER_PACKAGE] = { "nodes_per_package", 2 },
	[L3_PER_NODE] = { "l3_per_node", 4 },
	[CORES_PER_L3] = { "cores_per_l3", 32 },
	[THREADS_PER_CORE] = { "threads_per_core", 2 },
	[NODE_MEMORY] = { "node_memory", 512ull << 30 },
};

static const char keys_help[] =
	"expected SECTION.KEY of the timing profile (rmpsim --print-profile), machine, "
	"machine.{packages,nodes_per_package,l3_per_node,cores_per_l3,threads_per_core,node_memory}, "
	"policy, seed, profile, scenario, backing, scenario.KEY, guest.NAME.KEY or cotenant.KEY (docs/cli.md "
	"\"Settings\")";

/* "32GiB", "512MiB" or bytes: how the synthetic description writes a node's memory. */
static void format_size(uint64_t b, char *buf, size_t len)
{
	if (b && b % (1ull << 30) == 0)
		snprintf(buf, len, "%" PRIu64 "GiB", b >> 30);
	else if (b && b % (1ull << 20) == 0)
		snprintf(buf, len, "%" PRIu64 "MiB", b >> 20);
	else
		snprintf(buf, len, "%" PRIu64, b);
}

static int usage(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int usage(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return RMPSIM_EXIT_USAGE;
}

static int cmp_setting(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
	int c = strncmp(x, y, nx < ny ? nx : ny);
	return c ? c : nx < ny ? -1 : nx > ny ? 1 : 0;
}

/* One profile parameter: checked on the default profile, canonical value into canon. */
static int profile_setting(struct rmpsim_cli_config *cfg, const char *set, const char *key, size_t klen,
			   const char *value, char *canon, size_t clen, char *err, size_t errlen)
{
	char section[32], name[64];
	const char *dot = memchr(key, '.', klen);
	size_t slen = (size_t)(dot - key);

	if (slen >= sizeof(section) || klen - slen - 1 >= sizeof(name))
		return usage(err, errlen, "--set %s: unknown key; %s", set, keys_help);
	memcpy(section, key, slen);
	section[slen] = '\0';
	memcpy(name, dot + 1, klen - slen - 1);
	name[klen - slen - 1] = '\0';
	int idx = rmpsim_profile_param_index(section, name);
	if (idx < 0)
		return usage(err, errlen, "--set %s: unknown key '%.*s'; %s", set, (int)klen, key, keys_help);
	struct rmpsim_profile p = *rmpsim_profile_default();
	struct rmpsim_diag d = { 0 };
	if (rmpsim_profile_set(&p, section, name, value, &d))
		return usage(err, errlen, "--set %s: %s", set, d.msg);
	char v[64], lo[64], hi[64];
	rmpsim_profile_format_value((unsigned)idx, rmpsim_profile_get_value(&p, (unsigned)idx), v, sizeof(v));
	if (strchr(value, '[')) {
		rmpsim_profile_format_value((unsigned)idx, p.lo[idx], lo, sizeof(lo));
		rmpsim_profile_format_value((unsigned)idx, p.hi[idx], hi, sizeof(hi));
		snprintf(canon, clen, "%.*s=%s [%s, %s]", (int)klen, key, v, lo, hi);
	} else {
		snprintf(canon, clen, "%.*s=%s", (int)klen, key, v);
	}
	cfg->prof[cfg->nprof].idx = (unsigned)idx;
	cfg->prof[cfg->nprof].value = value;
	cfg->prof[cfg->nprof++].setting = set;
	return 0;
}

/* scenario.KEY, guest.NAME.KEY or cotenant.KEY: the syntax here, the value when a scenario is at hand. */
static int knob_setting(struct rmpsim_cli_config *cfg, const char *set, const char *key, size_t klen,
			const char *value, char *canon, size_t clen, char *err, size_t errlen)
{
	static const char *const scenario_keys[] = { "state", "backing", "host_reserve", "host_writes",
						     NULL };
	const char *last = key + klen;
	while (last > key && last[-1] != '.')
		last--;
	size_t nlen = (size_t)(last - 1 - key);
	if (!strncmp(key, "scenario.", 9)) {
		bool ok = false;
		for (size_t i = 0; scenario_keys[i]; i++)
			ok = ok || ((size_t)(key + klen - last) == strlen(scenario_keys[i]) &&
				    !strncmp(last, scenario_keys[i], strlen(scenario_keys[i])));
		if (!ok || nlen != 8)
			return usage(
				err, errlen,
				"--set %s: unknown scenario knob; expected scenario.state, scenario.backing, "
				"scenario.host_reserve or scenario.host_writes (or guest.NAME.KEY)",
				set);
		snprintf(cfg->knobs[cfg->nknobs].section, sizeof(cfg->knobs[0].section), "scenario");
	} else if (!strncmp(key, "cotenant.", 9)) {
		/* cotenant.KEY: a key of [cotenant] (docs/scenarios.md "Co-tenants") */
		if (nlen != 8)
			return usage(err, errlen,
				     "--set %s: expected cotenant.KEY, KEY one of vcpus, host_fills_per_s, "
				     "guest_fills_per_s, rmp_l3_hit_percent, host_regions",
				     set);
		snprintf(cfg->knobs[cfg->nknobs].section, sizeof(cfg->knobs[0].section), "cotenant");
	} else {
		/* guest.NAME.KEY: NAME may itself hold dots. */
		if (nlen <= 6 || nlen - 6 >= RMPSIM_WL_NAME_MAX)
			return usage(err, errlen, "--set %s: expected guest.NAME.KEY with a guest name", set);
		snprintf(cfg->knobs[cfg->nknobs].section, sizeof(cfg->knobs[0].section), "guest %.*s",
			 (int)(nlen - 6), key + 6);
	}
	if ((size_t)(key + klen - last) >= sizeof(cfg->knobs[0].key) || last == key + klen)
		return usage(err, errlen, "--set %s: unknown key", set);
	snprintf(cfg->knobs[cfg->nknobs].key, sizeof(cfg->knobs[0].key), "%.*s", (int)(key + klen - last),
		 last);
	/* Checked now on a scenario that has what the knob names, so a bad value stops everything
	 * early; the trial guest's 4K backing accepts every size the real one may. */
	struct rmpsim_scenario s;
	struct rmpsim_guest g = {
		.snp = true, .backing = RMPSIM_BACKING_4K, .node = -1, .bytes = 1ull << 30
	};
	struct rmpsim_diag d = { 0 };
	const char *section = cfg->knobs[cfg->nknobs].section;
	int r = 0;
	rmpsim_scenario_init(&s, NULL);
	if (!strncmp(section, "guest ", 6)) {
		snprintf(g.name, sizeof(g.name), "%s", section + 6);
		r = rmpsim_scenario_add_guest(&s, &g);
	}
	if (!r)
		r = rmpsim_scenario_set(&s, section, cfg->knobs[cfg->nknobs].key, value, &d);
	rmpsim_scenario_free(&s);
	if (r == -ENOMEM) {
		snprintf(err, errlen, "out of memory");
		return RMPSIM_EXIT_SYSTEM;
	}
	if (r)
		return usage(err, errlen, "--set %s: %s", set, d.msg);
	cfg->knobs[cfg->nknobs].value = value;
	cfg->knobs[cfg->nknobs++].setting = set;
	snprintf(canon, clen, "%.*s=%s", (int)klen, key, value);
	return 0;
}

/* machine.FIELD: a count from 1, or node_memory as a size of at least 2 MiB. */
static int machine_field(const char *set, const char *field, const char *value, uint64_t *vals, bool *given,
			 char *canon, size_t clen, char *err, size_t errlen)
{
	for (unsigned i = 0; i < NFIELDS; i++) {
		if (strcmp(field, fields[i].key))
			continue;
		uint64_t v;
		if (i == NODE_MEMORY) {
			if (rmpsim_parse_size(value, &v) || v < (2ull << 20) || v > RMPSIM_MAX_MEMORY_BYTES)
				return usage(err, errlen,
					     "--set %s: expected a size from 2MiB to 64TiB such as 32G", set);
		} else if (rmpsim_parse_u64(value, &v) || v == 0 || v > RMPSIM_MAX_CPUS) {
			return usage(err, errlen, "--set %s: expected an integer from 1 to %d", set,
				     RMPSIM_MAX_CPUS);
		}
		vals[i] = v;
		given[i] = true;
		if (i == NODE_MEMORY) {
			char b[32];
			format_size(v, b, sizeof(b));
			snprintf(canon, clen, "machine.%s=%s", field, b);
		} else {
			snprintf(canon, clen, "machine.%s=%" PRIu64, field, v);
		}
		return 0;
	}
	return usage(
		err, errlen,
		"--set %s: unknown machine field; expected machine.packages, machine.nodes_per_package, "
		"machine.l3_per_node, machine.cores_per_l3, machine.threads_per_core or machine.node_memory",
		set);
}

/* The synthetic description of the regular machine the fields describe. */
static int build_machine(struct rmpsim_cli_config *cfg, const uint64_t *v, char *err, size_t errlen)
{
	uint64_t nodes = v[PACKAGES] * v[NODES_PER_PACKAGE];
	uint64_t cpus = nodes * v[L3_PER_NODE] * v[CORES_PER_L3] * v[THREADS_PER_CORE];
	char mem[32];

	if (v[PACKAGES] > RMPSIM_MAX_NODES || v[NODES_PER_PACKAGE] > RMPSIM_MAX_NODES ||
	    nodes > RMPSIM_MAX_NODES)
		return usage(err, errlen, "--set machine.*: %" PRIu64 " NUMA nodes, at most %d", nodes,
			     RMPSIM_MAX_NODES);
	if (v[L3_PER_NODE] * v[CORES_PER_L3] > RMPSIM_MAX_CPUS || cpus > RMPSIM_MAX_CPUS)
		return usage(err, errlen, "--set machine.*: more than %d CPUs", RMPSIM_MAX_CPUS);
	if (v[NODE_MEMORY] > RMPSIM_MAX_MEMORY_BYTES / nodes)
		return usage(err, errlen, "--set machine.*: more than 64 TiB of memory");
	format_size(v[NODE_MEMORY], mem, sizeof(mem));
	/* Written like the default's description, so that equal fields give the same machine. */
	snprintf(cfg->machine, sizeof(cfg->machine),
		 "pack:%" PRIu64 " group:%" PRIu64 " [numa(memory=%s)] l3:%" PRIu64 " core:%" PRIu64
		 " pu:%" PRIu64,
		 v[PACKAGES], v[NODES_PER_PACKAGE], mem, v[L3_PER_NODE], v[CORES_PER_L3],
		 v[THREADS_PER_CORE]);
	return 0;
}

int rmpsim_cli_config_resolve(struct rmpsim_cli_args *a, struct rmpsim_cli_config *cfg, char *err,
			      size_t errlen)
{
	uint64_t mvals[NFIELDS];
	bool mgiven[NFIELDS] = { false }, any_field = false;
	const char *plain[6] = { NULL }; /* machine, policy, seed, profile, scenario, backing */
	char *plain_canon[6] = { NULL };
	static const char *const plain_keys[6] = { "machine", "policy",	  "seed",
						   "profile", "scenario", "backing" };

	memset(cfg, 0, sizeof(*cfg));
	for (unsigned i = 0; i < NFIELDS; i++)
		mvals[i] = fields[i].def;
	for (unsigned i = 0; i < a->nsets; i++) {
		const char *set = a->sets[i], *eq = strchr(set, '=');
		const char *value = eq + 1;
		size_t klen = (size_t)(eq - set);
		char *canon = cfg->settings[cfg->nsettings];
		int code = 0;

		if (!*value)
			return usage(err, errlen, "--set %s: expected a value after '='", set);
		if (strlen(set) >= RMPSIM_CLI_SETTING_MAX)
			return usage(err, errlen, "--set %.40s...: longer than %d characters", set,
				     RMPSIM_CLI_SETTING_MAX - 1);
		for (unsigned k = 0; k < i; k++)
			if (!strncmp(a->sets[k], set, klen + 1))
				return usage(err, errlen, "--set %.*s: given twice", (int)klen, set);
		bool done = false;
		for (unsigned k = 0; k < 6 && !done; k++) {
			if (strlen(plain_keys[k]) != klen || strncmp(set, plain_keys[k], klen))
				continue;
			plain[k] = value;
			plain_canon[k] = canon;
			snprintf(canon, RMPSIM_CLI_SETTING_MAX, "%s", set);
			done = true;
		}
		if (done) {
		} else if (klen > 8 && !strncmp(set, "machine.", 8)) {
			char field[32];
			snprintf(field, sizeof(field), "%.*s", (int)(klen - 8), set + 8);
			code = machine_field(set, field, value, mvals, mgiven, canon, RMPSIM_CLI_SETTING_MAX,
					     err, errlen);
			any_field = true;
		} else if (!strncmp(set, "scenario.", 9) || !strncmp(set, "guest.", 6) ||
			   !strncmp(set, "cotenant.", 9)) {
			code = knob_setting(cfg, set, set, klen, value, canon, RMPSIM_CLI_SETTING_MAX, err,
					    errlen);
		} else if (memchr(set, '.', klen)) {
			code = profile_setting(cfg, set, set, klen, value, canon, RMPSIM_CLI_SETTING_MAX, err,
					       errlen);
		} else {
			code = usage(err, errlen, "--set %s: unknown key '%.*s'; %s", set, (int)klen, set,
				     keys_help);
		}
		if (code)
			return code;
		cfg->setting_ptrs[cfg->nsettings] = cfg->settings[cfg->nsettings];
		cfg->nsettings++;
	}
	/* The plain keys are the options of the same name: one or the other. */
	const char **opt[6] = { &a->machine, &a->policy, NULL, &a->profile, &a->scenario, &a->backing };
	for (unsigned k = 0; k < 6; k++) {
		if (!plain[k])
			continue;
		if ((opt[k] && *opt[k]) || (k == 2 && a->has_seed))
			return usage(err, errlen, "--set %s= and --%s exclude each other", plain_keys[k],
				     plain_keys[k]);
		if (k == 2) {
			if (rmpsim_parse_u64(plain[k], &a->seed) || a->seed > INT64_MAX)
				return usage(err, errlen, "--set seed=%s: expected an integer from 0 to %lld",
					     plain[k], (long long)INT64_MAX);
			a->has_seed = true;
			snprintf(plain_canon[k], RMPSIM_CLI_SETTING_MAX, "seed=%" PRIu64, a->seed);
			continue;
		}
		if (k == 1 && !rmpsim_policy_find(plain[k]))
			return usage(err, errlen, "--set policy=%s: unknown policy (rmpsim --list-policies)",
				     plain[k]);
		if (k == 5) {
			enum rmpsim_backing b;
			if (rmpsim_backing_parse(plain[k], &b))
				return usage(err, errlen, "--set backing=%s: expected 4K, 2M or 1G",
					     plain[k]);
			snprintf(plain_canon[k], RMPSIM_CLI_SETTING_MAX, "backing=%s",
				 rmpsim_backing_name(b));
		}
		*opt[k] = plain[k];
	}
	if (a->backing && !a->scenario)
		return usage(err, errlen,
			     "backing needs a scenario (--scenario NAME or --set scenario=NAME)");
	if (plain[1] && a->policy_plugin)
		return usage(err, errlen, "--set policy= and --policy-plugin exclude each other");
	if (any_field) {
		if (a->machine)
			return usage(err, errlen,
				     "--set machine.* describes a regular machine: not with --machine or "
				     "machine=");
		int code = build_machine(cfg, mvals, err, errlen);
		if (code)
			return code;
		a->machine = cfg->machine;
	}
	qsort(cfg->setting_ptrs, cfg->nsettings, sizeof(cfg->setting_ptrs[0]), cmp_setting);
	return 0;
}

int rmpsim_cli_config_profile(const struct rmpsim_cli_config *cfg, const struct rmpsim_profile *base,
			      struct rmpsim_profile *ret, char *err, size_t errlen)
{
	struct rmpsim_profile p = base ? *base : *rmpsim_profile_default();

	for (unsigned i = 0; i < cfg->nprof; i++) {
		struct rmpsim_param_info info;
		struct rmpsim_diag d = { 0 };
		rmpsim_profile_param(cfg->prof[i].idx, &info);
		if (rmpsim_profile_set(&p, info.section, info.key, cfg->prof[i].value, &d))
			return usage(err, errlen, "--set %s: %s", cfg->prof[i].setting, d.msg);
	}
	*ret = p;
	return 0;
}

int rmpsim_cli_config_knobs(const struct rmpsim_cli_config *cfg, struct rmpsim_scenario *s, char *err,
			    size_t errlen)
{
	for (unsigned i = 0; i < cfg->nknobs; i++) {
		struct rmpsim_diag d = { 0 };
		if (rmpsim_scenario_set(s, cfg->knobs[i].section, cfg->knobs[i].key, cfg->knobs[i].value, &d))
			return usage(err, errlen, "--set %s: %s", cfg->knobs[i].setting, d.msg);
	}
	return 0;
}
