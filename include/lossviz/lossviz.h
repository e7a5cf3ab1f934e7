/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Umbrella header of liblossviz-core. */
#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>
#include <lossviz/lv-stats.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-dataset-io.h>
#include <lossviz/lv-teacher.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-regularizer.h>
#include <lossviz/lv-train.h>
#include <lossviz/lv-worker-pool.h>
#include <lossviz/lv-pausable.h>
#include <lossviz/lv-probe.h>
#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-spinglass.h>
#include <lossviz/lv-spinglass-probe.h>
#include <lossviz/lv-lift.h>
#include <lossviz/lv-certificate.h>
#include <lossviz/lv-chain-descent.h>
#include <lossviz/lv-hv-probe.h>
#include <lossviz/lv-lift-compare.h>
#include <lossviz/lv-lift-probe.h>
#include <lossviz/lv-session.h>
#include <lossviz/lv-bundle.h>
#include <lossviz/lv-slice.h>
#include <lossviz/lv-hessian.h>
#include <lossviz/lv-hessian-slq.h>
#include <lossviz/lv-trajectory.h>
#include <lossviz/lv-hessian-probe.h>
#include <lossviz/lv-landscape-probe.h>
#include <lossviz/lv-index-survey.h>
