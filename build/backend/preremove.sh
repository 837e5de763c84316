#!/bin/sh
# billie-backend: before removal (not before an upgrade) the service is stopped and disabled.
# The database under /var/lib/billie-backend and the user stay.
set -e
case "$1" in
  remove|purge|0) ;;
  *) exit 0 ;;
esac
if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
  systemctl disable --now billie-backend >/dev/null 2>&1 || true
fi
exit 0
