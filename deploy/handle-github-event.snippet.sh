# --- HLS: lines to add to the existing handle-github-event.sh -------------------------------------
# Paste where the handler used to call the old queue script, and remove that call. Rename the four
# variables on the queue-hls-event line to the ones your handler already has:
#   the repository (owner/repo), the X-GitHub-Event value, the payload's action, the raw payload.
#
# GITHUB_DELIVERY and X_HUB_SIGNATURE_256 are read from the environment (the webhook runner sets them
# from the X-GitHub-Delivery and X-Hub-Signature-256 headers); when GITHUB_DELIVERY is missing a
# random id is made up. Only pass the signature if PAYLOAD holds GitHub's exact bytes: a re-serialised
# payload fails the HMAC check (then unset X_HUB_SIGNATURE_256, or run HLS without a webhook secret).
#
# The payload goes through stdin ("-"): never on a command line, never through eval, so quotes,
# $(...) and backticks in an issue body stay inert, and 25 MiB payloads are fine.

HLS_HOME="${HLS_HOME:-/opt/hls}"                       # where HLS is checked out
export HLS_URL="${HLS_URL:-http://127.0.0.1:8001/webhook}"
export GITHUB_DELIVERY X_HUB_SIGNATURE_256

hls_status=0
printf '%s' "$PAYLOAD" |
  "$HLS_HOME/bin/queue-hls-event" "$REPO_FULL_NAME" "$EVENT_TYPE" "$ACTION" - || hls_status=$?
# 0 queued / duplicate / not handled; 2 HLS refused it (reason printed);
# 3 HLS was down: spooled under $HLS_HOME/spool, `bin/hls replay` sends it later; 4 lost (spool unwritable).
if [ "$hls_status" -ne 0 ]; then
  echo "handle-github-event: HLS did not queue delivery ${GITHUB_DELIVERY:-?} (exit $hls_status)" >&2
fi
# If the handler already has the payload in a file, use "@$PAYLOAD_FILE" instead of the pipe.
# --------------------------------------------------------------------------------------------------
