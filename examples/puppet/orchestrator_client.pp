# Puppet resources built on orchestrator-client's exit status contract:
#   0 success / yes; 1 the API refused, or can-replicate-from* answered no; 2 bad input; 3 no leader; 4 timeout.
# is-replicating prints the instance when replicating and nothing otherwise (exit 0 either way),
# so `| grep -q .` turns it into a yes/no.
class orchestrator_client::candidate (String $instance = "${facts['networking']['fqdn']}:3306") {
  exec { 'orchestrator-register-candidate':
    command => "orchestrator-client --quiet -c register-candidate -i ${instance} --promotion-rule prefer",
    onlyif  => "orchestrator-client -c is-replicating -i ${instance} | grep -q .",
    path    => ['/usr/local/bin', '/usr/bin', '/bin'],
  }

  exec { 'orchestrator-discover':
    command => "orchestrator-client --quiet -c discover -i ${instance}",
    unless  => "orchestrator-client --quiet -c instance -i ${instance}",
    path    => ['/usr/local/bin', '/usr/bin', '/bin'],
  }
}
