#!/usr/bin/env bash
# Makes a site's certificates for Gridline with openssl:
#   OUT/ca.pem, OUT/ca.key          the site's own certificate authority (keep ca.key offline)
#   OUT/server.pem, OUT/server.key  the broker's and the console's certificate, for HOST
#                                   (and localhost, 127.0.0.1)
#   OUT/robots/SERIAL.pem, .key     one client certificate per robot, its common name the
#                                   name of the robot's identity (give each robot its serial
#                                   number as its name): the embedded broker logs the robot in
#                                   by it (the identity must exist: gridline identities add).
#                                   A certificate cannot be revoked: while it is valid, an
#                                   identity of that name accepts it (remove the identity, or
#                                   make a new CA, to shut a stolen one out)
# Usage: scripts/make-certificates.sh OUT HOST [SERIAL...]
# Then: gridline start --tls-cert OUT/server.pem --tls-key OUT/server.key --tls-ca OUT/ca.pem
# Certificates are valid for DAYS days (default 825); run again with the same OUT to add robots
# (the existing CA is kept).
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 OUT HOST [SERIAL...]" >&2
  exit 2
fi
out=$1
host=$2
shift 2
days=${DAYS:-825}
mkdir -p "$out/robots"
umask 077

if [ ! -f "$out/ca.key" ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days "$days" -subj "/CN=Gridline site CA" \
    -keyout "$out/ca.key" -out "$out/ca.pem" 2>/dev/null
  echo "made $out/ca.pem (keep $out/ca.key offline)"
fi

# A certificate for $1 (common name) signed by the CA, with extensions file $2, into $3.pem/.key.
sign() {
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$1" -keyout "$3.key" -out "$3.csr" 2>/dev/null
  openssl x509 -req -in "$3.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial -days "$days" -sha256 \
    -extfile "$2" -out "$3.pem" 2>/dev/null
  rm -f "$3.csr"
}

ext=$(mktemp)
trap 'rm -f "$ext"' EXIT
if [[ $host =~ ^[0-9.]+$ ]]; then san="IP:$host"; else san="DNS:$host"; fi
printf 'subjectAltName=%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$san" > "$ext"
sign "$host" "$ext" "$out/server"
echo "made $out/server.pem for $host"

printf 'extendedKeyUsage=clientAuth\n' > "$ext"
for serial in "$@"; do
  if [[ ! $serial =~ ^[A-Za-z0-9_.:-]+$ ]]; then
    echo "$serial: a serial number uses only A-Z a-z 0-9 _ . : -" >&2
    exit 2
  fi
  sign "$serial" "$ext" "$out/robots/$serial"
  echo "made $out/robots/$serial.pem"
done
