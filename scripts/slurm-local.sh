#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (munged, slurmctld, slurmd) for the Slurm
# sweep test; CI runs it from .ci/run. Needs root and Debian's slurm-wlm and munge.
# Idempotent: does nothing if `sinfo` already answers.
set -euo pipefail
if sinfo -h >/dev/null 2>&1; then echo "slurm-local: Slurm already answers"; exit 0; fi
for b in munged mungekey slurmctld slurmd sbatch; do
  command -v "$b" >/dev/null || { echo "slurm-local: $b is missing (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
host=$(hostname -s)
cpus=$(nproc)
conf=/etc/slurm/slurm.conf
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || mungekey -c
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
pgrep -x munged >/dev/null || { munged --force || sudo -u munge munged --force; }
cat >"$conf" <<CONF
# Written by scripts/slurm-local.sh: a one-node cluster for tests.
ClusterName=spikewright-test
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
MinJobAge=3600
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 1 30); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mixed|alloc'; then echo "slurm-local: one-node cluster up ($host, $cpus CPUs)"; exit 0; fi
  sleep 1
done
echo "slurm-local: Slurm did not come up; see /var/log/slurm/" >&2
sinfo >&2 || true
exit 1
