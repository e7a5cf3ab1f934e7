/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One entry point per `lossviz-cli <command>`; each gets argv with argv[0] = "<command>". */
int lv_cli_ensemble (int argc, char **argv);
int lv_cli_render (int argc, char **argv);
int lv_cli_lift (int argc, char **argv);
int lv_cli_certify (int argc, char **argv);
int lv_cli_spinglass (int argc, char **argv);
int lv_cli_slice (int argc, char **argv);
int lv_cli_hessian (int argc, char **argv);
