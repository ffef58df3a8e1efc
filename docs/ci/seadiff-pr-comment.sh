#!/usr/bin/env bash
# Posts the seadiff plan as a pull-request comment, or updates the comment it posted before
# (found by the marker line every Markdown plan starts with). Used by
# github-actions-plan.yml; runs anywhere with `seadiff` and the GitHub CLI (`gh`) on PATH.
#
# Needs: DATABASE_URL (a read-only role is enough: plan never writes), GITHUB_REPOSITORY,
# PR_NUMBER, GH_TOKEN. Exit: 0 posted (whether or not the plan has changes), 2 seadiff could
# not plan (its error is on stderr and in the job log).
set -euo pipefail

marker='<!-- seadiff:plan -->'
body=$(mktemp)
trap 'rm -f "$body"' EXIT

set +e
seadiff plan --format markdown --exit-code >"$body"
code=$?
set -e
if [ "$code" -ge 2 ]; then
  echo "seadiff plan failed (exit $code); no comment posted" >&2
  exit "$code"
fi
if ! head -n 1 "$body" | grep -qF "$marker"; then
  echo "the plan does not start with $marker; refusing to post it" >&2
  exit 2
fi

ids=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id")
existing=${ids%%$'\n'*}
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F body=@"$body" >/dev/null
  echo "updated the plan comment $existing"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F body=@"$body" >/dev/null
  echo "posted the plan comment"
fi
