/* SPDX-License-Identifier: MIT */
/* Two plotted pass profiles (timeline.h rmpsim_pass_profile) alike, field by field. */
#ifndef RMPSIM_TEST_PROFILE_EQ_H
#define RMPSIM_TEST_PROFILE_EQ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <setjmp.h>

#include <cmocka.h>

#include <rmpsim/timeline.h>

static inline void assert_profiles_equal(const struct rmpsim_pass_profile *a,
					 const struct rmpsim_pass_profile *b)
{
	assert_int_equal(a->ncpus, b->ncpus);
	assert_memory_equal(a->busy_ps, b->busy_ps, a->ncpus * sizeof(uint64_t));
	assert_memory_equal(a->irqoff, b->irqoff, sizeof(a->irqoff));
	assert_int_equal(a->irqoff_over, b->irqoff_over);
	assert_int_equal(a->heat_rows, b->heat_rows);
	assert_int_equal(a->heat_cols, b->heat_cols);
	assert_int_equal(a->heat_bin_ps, b->heat_bin_ps);
	assert_int_equal(a->heat_bp == NULL, b->heat_bp == NULL);
	if (a->heat_bp)
		assert_memory_equal(a->heat_bp, b->heat_bp,
				    (size_t)a->heat_rows * a->heat_cols * sizeof(uint16_t));
}

#endif
