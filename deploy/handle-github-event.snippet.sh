# --- HLS: lines to add to the existing handle-github-event.sh -------------------------------------
# Paste where the handler used to call the old queue script, and remove that call. deploy/hooks.json
# (adnanh/webhook) sets the variables used here from the request:
#   GITHUB_DELIVERY      header X-GitHub-Delivery      EVENT_TYPE      header X-GitHub-Event
#   X_HUB_SIGNATURE_256  header X-Hub-Signature-256    REPO_FULL_NAME  payload repository.full_name
#   PAYLOAD_FILE         a file holding the raw request body, byte for byte (pass-file-to-command,
#                        source raw-request-body: a body in an environment variable is capped at 128 KiB)
#   ACTION               payload action (unset for events without one, such as ping)
# A handler with other names: rename them on the queue-hls-event line.
#
# Without GITHUB_DELIVERY queue-hls-event warns loudly and derives the id from the payload, so a
# redelivery is still a duplicate. Pass the signature only with GitHub's exact bytes (PAYLOAD_FILE is):
# a re-serialised payload fails the HMAC check (HLS then answers 401 and the delivery waits in the spool).
#
# The payload never goes on a command line or through eval, so quotes, $(...) and backticks in an
# issue body stay inert, and 25 MiB payloads are fine.

HLS_HOME="${HLS_HOME:-/opt/hls}"                         # where HLS is checked out
export HLS_URL="${HLS_URL:-http://127.0.0.1:8001}"       # the service's base URL, as for bin/hls
export HLS_SPOOL_DIR="${HLS_SPOOL_DIR:-$HLS_HOME/spool}" # the same folder as hls.spool.dir
export GITHUB_DELIVERY X_HUB_SIGNATURE_256

hls_status=0
"$HLS_HOME/bin/queue-hls-event" "${REPO_FULL_NAME:--}" "$EVENT_TYPE" "${ACTION:--}" "@$PAYLOAD_FILE" || hls_status=$?
# 0 queued / duplicate / not handled; 2 HLS refused it (reason printed, kept in $HLS_SPOOL_DIR/rejected);
# 3 HLS was down or refused the signature: spooled, the service sends it when it is back; 4 LOST (spool unwritable).
if [ "$hls_status" -ne 0 ]; then
  echo "handle-github-event: HLS did not queue delivery ${GITHUB_DELIVERY:-?} (exit $hls_status)" >&2
fi
# A handler that has the payload in a variable instead: printf '%s' "$PAYLOAD" | queue-hls-event ... -
# --------------------------------------------------------------------------------------------------
