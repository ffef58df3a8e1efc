#!/usr/bin/env bash
# A scheduled drift check: exits 0 when the database matches the declaration, 1 when it has
# drifted (the job fails, which is the alert), 2 when seadiff could not check (unreachable
# database, bad schema.yaml). The report goes to stdout and, on GitHub Actions, to the job
# summary. Used by github-actions-drift.yml; runs anywhere with `seadiff` on PATH.
#
# Needs: DATABASE_URL (a read-only role is enough).
set -euo pipefail

report=$(mktemp)
trap 'rm -f "$report"' EXIT

set +e
seadiff drift --format markdown >"$report"
code=$?
set -e
cat "$report"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$report" >>"$GITHUB_STEP_SUMMARY"
fi
case "$code" in
  0) echo "in sync" >&2 ;;
  1) echo "drift found: the database no longer matches the entities" >&2 ;;
  *) echo "seadiff could not check for drift (exit $code)" >&2 ;;
esac
exit "$code"
