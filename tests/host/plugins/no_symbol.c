/* SPDX-License-Identifier: MIT */
/* A shared object that forgot to export rmpsim_policy_plugin. */
int rmpsim_policy_plugin_misspelled(void);
int rmpsim_policy_plugin_misspelled(void)
{
	return 0;
}
