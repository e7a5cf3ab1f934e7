/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <lossviz/lv-spinglass.h>

G_BEGIN_DECLS

typedef struct _LvSpinGlassJob LvSpinGlassJob;

LvSpinGlassJob *lv_spin_glass_job_new            (const LvSpinGlassConfig *base,
                                                  const guint             *lambdas,
                                                  guint                    n_lambdas);
LvSpinGlassJob *lv_spin_glass_job_ref            (LvSpinGlassJob          *job);
void            lv_spin_glass_job_unref          (LvSpinGlassJob          *job);
void            lv_spin_glass_job_start          (LvSpinGlassJob          *job);
void            lv_spin_glass_job_cancel         (LvSpinGlassJob          *job);
void            lv_spin_glass_job_join           (LvSpinGlassJob          *job);
gboolean        lv_spin_glass_job_is_done        (LvSpinGlassJob          *job);
guint           lv_spin_glass_job_get_generation (LvSpinGlassJob          *job);
guint           lv_spin_glass_job_collect        (LvSpinGlassJob          *job,
                                                  guint                    size,
                                                  GArray                  *energy,
                                                  GArray                  *run,
                                                  GArray                  *index);
gboolean        lv_spin_glass_job_get_error      (LvSpinGlassJob          *job,
                                                  GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvSpinGlassJob, lv_spin_glass_job_unref)

G_END_DECLS
