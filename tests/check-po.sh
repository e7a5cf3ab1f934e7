#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The French translation is complete (issue 15): every source with translatable strings is in
# po/POTFILES.in, and every message of a template made fresh from them has a French
# translation that is not fuzzy. Prints what is missing; exit 1 when anything is, 77 (skip)
# without the gettext tools.
# usage: check-po.sh SOURCE_ROOT
set -u
src=${1:?usage: check-po.sh SOURCE_ROOT}
for tool in xgettext msgmerge msgattrib msgfmt; do
  command -v "$tool" >/dev/null 2>&1 || { echo "1..0 # SKIP no $tool"; exit 77; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
echo "1..2"

missing=""
for f in $(grep -l -E '(^|[^a-z_])(N?C?_|g_dngettext) ?\(|translatable="yes"' \
             src/app/*.c src/plot/*.c ui/*.ui ui/gtk/*.ui); do
  grep -qx "$f" po/POTFILES.in || missing="$missing $f"
done
if [ -n "$missing" ]; then
  echo "not ok 1 - sources missing from po/POTFILES.in:$missing"
  status=1
else
  echo "ok 1 - every source with translatable strings is in po/POTFILES.in"
  status=0
fi

# The same keywords as meson's glib preset.
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
  --keyword=g_dpgettext2:2c,3 --files-from=po/POTFILES.in -o "$tmp/lossviz.pot" 2>"$tmp/err" \
  || { cat "$tmp/err"; exit 1; }
msgmerge --quiet --no-fuzzy-matching po/fr.po "$tmp/lossviz.pot" -o "$tmp/fr.po" || exit 1
# Untranslated or fuzzy, obsolete ones dropped; the header (msgid "") is not a message.
msgattrib --no-obsolete --untranslated "$tmp/fr.po" -o "$tmp/untranslated.po" 2>/dev/null
msgattrib --no-obsolete --only-fuzzy "$tmp/fr.po" -o "$tmp/fuzzy.po" 2>/dev/null
stats=$(msgfmt --statistics -o /dev/null "$tmp/fr.po" 2>&1)
case "$stats" in
  *untranslated*|*fuzzy*)
    echo "not ok 2 - French: $stats"
    grep -h -A1 '^msgid' "$tmp/untranslated.po" "$tmp/fuzzy.po" 2>/dev/null | sed 's/^/# /'
    status=1 ;;
  *)
    echo "ok 2 - French: $stats" ;;
esac
exit $status
