/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * SIGINT and SIGTERM as a request to stop (a long run that checkpoints writes a last checkpoint
 * and exits 128 + the signal): lv_cli_stop_signals_catch (TRUE) clears the flag and installs a
 * handler that only records the signal; lv_cli_stop_signals_catch (FALSE) puts back the handlers
 * that were there before (the atomic writer's temporary-file cleanup, or the default).
 */
void lv_cli_stop_signals_catch (gboolean on);
/* The signal caught since the last catch (TRUE), 0 if none. Async-signal-safe to read. */
int  lv_cli_stop_signal (void);

G_END_DECLS
