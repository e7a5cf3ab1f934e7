/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

/* SIGINT/SIGTERM as a stop request for checkpointing commands (lv-cli-stop-signal.h). */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "lv-cli-stop-signal.h"

static volatile sig_atomic_t stop_signal = 0;
static struct sigaction saved_int, saved_term;
static gboolean caught = FALSE;

static void
on_stop_signal (int signo)
{
  stop_signal = signo;
}

void
lv_cli_stop_signals_catch (gboolean on)
{
  struct sigaction sa;

  if (on && !caught)
    {
      stop_signal = 0;
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = on_stop_signal;
      sigemptyset (&sa.sa_mask);
      sigaction (SIGINT, &sa, &saved_int);
      sigaction (SIGTERM, &sa, &saved_term);
      caught = TRUE;
    }
  else if (!on && caught)
    {
      sigaction (SIGINT, &saved_int, NULL);
      sigaction (SIGTERM, &saved_term, NULL);
      caught = FALSE;
    }
}

int
lv_cli_stop_signal (void)
{
  return stop_signal;
}
