# /etc/profile.d/orchestrator-client.sh: settings for orchestrator-client on this host.
#
# Copy this file to /etc/profile.d/orchestrator-client.sh and edit it. No package ships or removes that file: it is
# yours. The bash client sourced it; orchestrator-client reads it as bash would but without running it, so only
# plain assignments count (`export NAME=value`, `NAME="value"`, `NAME='value'`); `$(hostname)` is what `hostname`
# prints and `$(hostname -f)` this host's full name. A line inside `if … fi` or any other command is not applied and
# is reported (an error when it names an ORCHESTRATOR_ variable). Keep it owned by root and not writable by others
# (chmod 644), or it is refused. Its settings take precedence over the environment, as when the bash client sourced it.
# ORCHESTRATOR_CLIENT_PROFILE names another file to read instead (empty: none).

# One endpoint, or every raft node separated by spaces: the leader is found.
export ORCHESTRATOR_API="http://orc1.example.com:3000/api http://orc2.example.com:3000/api http://orc3.example.com:3000/api"

# Basic authentication. Better than a password here (readable by every login shell): a file of mode 600.
#export ORCHESTRATOR_AUTH_USER=orchestrator
#export ORCHESTRATOR_AUTH_PASSWORD_FILE=/etc/orchestrator-client.password

# TLS: the certificate authority of orchestrator's certificate, and a client certificate if it asks for one.
#export ORCHESTRATOR_CA_FILE=/etc/ssl/certs/orchestrator-ca.pem
#export ORCHESTRATOR_CLIENT_CERT=/etc/orchestrator-client/client.pem
#export ORCHESTRATOR_CLIENT_KEY=/etc/orchestrator-client/client.key
# An encrypted key's pass phrase, in a file of mode 600 (never asked for on the terminal).
#export ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE=/etc/orchestrator-client/client.key.pass

# Bounds: the whole invocation, the connection, and each raft node's leader check.
#export ORCHESTRATOR_TIMEOUT=60s
#export ORCHESTRATOR_CONNECT_TIMEOUT=3s
#export ORCHESTRATOR_LEADER_TIMEOUT=1s
