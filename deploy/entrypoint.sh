#!/bin/sh
# Container entrypoint: bring the database schema up to date, then run the tutor command
# (default `tutor run`). The upgrade takes an advisory lock on PostgreSQL, so replicas that
# start together apply each migration once.
set -eu
if [ "${1:-run}" = "run" ] || [ "${1:-}" = "chat" ]; then
    tutor db upgrade
fi
exec tutor "$@"
