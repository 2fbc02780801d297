#!/usr/bin/env bash
# Start N app processes on 127.0.0.1:BASE_PORT.. that share one database and one cookie secret,
# for nginx (deploy/nginx-fea.conf) to balance. Runs in the foreground; Ctrl-C stops them all.
#
#   FEA_DATABASE_URL=postgresql://fea:PASSWORD@db.internal/fea \
#   FEA_COOKIE_KEY=$(cat /etc/fea/cookie-key) deploy/run-cluster.sh 2 8501
#
# One process uses one core (Python's GIL): start one per core the machine can give the app.
# For a service that restarts on failure and at boot, use deploy/fea@.service instead.
set -euo pipefail
cd "$(dirname "$0")/.."

processes="${1:-2}"
base_port="${2:-8501}"
: "${FEA_DATABASE_URL:?set FEA_DATABASE_URL to the shared PostgreSQL database (SQLite is one machine, one file)}"
: "${FEA_COOKIE_KEY:?set FEA_COOKIE_KEY: every process must sign and accept the same login cookies}"
# Streamlit's own signed cookies must verify on every process too.
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$FEA_COOKIE_KEY}"
export FEA_DATABASE_URL FEA_COOKIE_KEY
python="${PYTHON:-python3}"

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait; }
trap stop EXIT INT TERM

for ((i = 0; i < processes; i++)); do
  port=$((base_port + i))
  "$python" -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 &
  pids+=($!)
done

# Wait until every process answers its health check (what a load balancer or monitor asks).
for ((i = 0; i < processes; i++)); do
  port=$((base_port + i))
  for _ in $(seq 120); do
    if "$python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "http://127.0.0.1:$port/_stcore/health" 2>/dev/null; then
      echo "process $((i + 1))/$processes ready on 127.0.0.1:$port"
      continue 2
    fi
    sleep 0.5
  done
  echo "process on port $port did not become healthy" >&2
  exit 1
done
wait -n  # a process that dies takes the others down: restart the whole set (or use systemd)
