#!/bin/sh
# billie-backend: after install or upgrade. Creates the service's system user, lets it
# read its environment file, and restarts a running service. DPKG_ROOT (dpkg --root
# with --force-script-chrootless) is honoured: nothing outside that root is touched.
set -e
root="${DPKG_ROOT:-}"
if command -v systemd-sysusers >/dev/null 2>&1; then
  # A file named on the command line is read as given, not below --root.
  if [ -n "$root" ]; then
    systemd-sysusers --root="$root" "$root/usr/lib/sysusers.d/billie-backend.conf"
  else
    systemd-sysusers /usr/lib/sysusers.d/billie-backend.conf
  fi
elif [ -z "$root" ] && ! getent passwd billie >/dev/null; then
  useradd --system --home-dir /var/lib/billie-backend --no-create-home \
    --shell /usr/sbin/nologin --comment "Billie Supervisor backend" --user-group billie
fi
gid="$(awk -F: '$1 == "billie" { print $3 }' "$root/etc/group")"
if [ -n "$gid" ]; then
  chown "0:$gid" "$root/etc/billie-supervisor/backend.env"
fi
chmod 0640 "$root/etc/billie-supervisor/backend.env"
if [ -z "$root" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
  # An upgrade restarts a running backend: it stops cleanly (SIGTERM) and migrates at start.
  if systemctl is-active --quiet billie-backend; then
    systemctl restart billie-backend || true
  fi
fi
exit 0
