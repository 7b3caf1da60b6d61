#include "support/SlurmCluster.h"

#include "support/Process.h"

#include <csignal>
#include <cstdio>
#include <netdb.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::string shortHostName() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    std::string host = name;
    return host.substr(0, host.find('.'));
}

void stop(pid_t& pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    waitProcess(pid);
    pid = -1;
}

}  // namespace

SlurmCluster::SlurmCluster(const fs::path& folder) : folder_(folder), conf_(folder / "slurm.conf") {
    try {
        start();
    } catch (...) {
        shutDown();  // a cluster that did not come up leaves no daemon behind
        throw;
    }
}

void SlurmCluster::start() {
    for (const char* program : {"/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"})
        if (!fs::exists(program))
            throw std::runtime_error(std::string("no ") + program + ": the tests need Debian's munge, slurmctld, slurmd and slurm-client "
                                     "(scripts/test.sh installs them)");
    // munged wants every folder above its socket searchable by all (the test's own temporary
    // folders are 0700), and a key only its owner reads
    fs::create_directories(folder_);
    for (fs::path p = folder_; !p.empty() && p != p.root_path(); p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH) && st.st_uid == ::geteuid())
            ::chmod(p.c_str(), (st.st_mode & 07777) | S_IXGRP | S_IXOTH);
    }
    fs::create_directories(folder_ / "munge");
    fs::create_directories(folder_ / "state");
    fs::create_directories(folder_ / "spool");
    ::chmod((folder_ / "munge").c_str(), 0755);
    {
        std::ifstream random("/dev/urandom", std::ios::binary);
        std::string key(1024, '\0');
        random.read(key.data(), static_cast<std::streamsize>(key.size()));
        std::ofstream(folder_ / "munge.key", std::ios::binary) << key;
    }
    ::chmod((folder_ / "munge.key").c_str(), 0400);
    const fs::path socket = folder_ / "munge" / "munge.sock";
    munged_ = spawnProcess({"/usr/sbin/munged", "--foreground", "--key-file=" + (folder_ / "munge.key").string(), "--socket=" + socket.string(),
                            "--pid-file=" + (folder_ / "munged.pid").string(), "--seed-file=" + (folder_ / "munge.seed").string(),
                            "--log-file=" + (folder_ / "munged.log").string()},
                           (folder_ / "munged.out").string());
    if (!waitUntil([&] { return fs::exists(socket); }, 20))
        throw std::runtime_error("munged did not start: " + readFile((folder_ / "munged.log").string()) + readFile((folder_ / "munged.out").string()));

    const std::string host = shortHostName();
    // A job's ranks meet at the first host of its nodelist, this machine's name. Where that name
    // does not resolve (a chroot without /etc/hosts) they meet at the loopback address instead,
    // given to the jobs as MASTER_ADDR (sbatch passes this process's environment on).
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, nullptr, &found) == 0) {
        ::freeaddrinfo(found);
    } else {
        ::setenv("MASTER_ADDR", "127.0.0.1", 1);
        std::fprintf(stderr, "SlurmCluster: '%s' does not resolve here: jobs rendezvous at MASTER_ADDR=127.0.0.1\n", host.c_str());
    }
    const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    std::ofstream conf(conf_);
    conf << "ClusterName=fratest\n"
         << "SlurmctldHost=" << host << "(127.0.0.1)\n"
         << "SlurmctldPort=" << freeLoopbackPort() << "\n"
         << "SlurmdPort=" << freeLoopbackPort() << "\n"
         << "AuthType=auth/munge\nCredType=cred/munge\n"
         // a requeued job may start again once its credential has expired: 10 s, not the default 120
         << "AuthInfo=socket=" << socket.string() << ",cred_expire=10\n"
         << "SlurmUser=root\nSlurmdUser=root\n"
         << "StateSaveLocation=" << (folder_ / "state").string() << "\n"
         << "SlurmdSpoolDir=" << (folder_ / "spool").string() << "\n"
         << "SlurmctldPidFile=" << (folder_ / "slurmctld.pid").string() << "\n"
         << "SlurmdPidFile=" << (folder_ / "slurmd.pid").string() << "\n"
         << "SlurmctldLogFile=" << (folder_ / "slurmctld.log").string() << "\n"
         << "SlurmdLogFile=" << (folder_ / "slurmd.log").string() << "\n"
         << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
         << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
         << "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\nMpiDefault=none\nReturnToService=2\n"
         << "SchedulerParameters=bf_interval=5,sched_interval=5\n"
         << "KillWait=10\nMinJobAge=300\n"
         << "NodeName=" << host << " NodeAddr=127.0.0.1 CPUs=" << cpus << " State=UNKNOWN\n"
         << "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n";
    conf.close();
    // Slurm 22.05's slurmd initialises a cgroup plugin even with proctrack/linuxproc and task/none,
    // and its default (autodetect) fails where no cgroup filesystem is mounted (a chroot, some
    // containers). Named explicitly, cgroup/v1 loads without touching /sys/fs/cgroup and is never
    // used by these plugins: the cluster starts on cgroup v1, v2 and none alike.
    std::ofstream(folder_ / "cgroup.conf") << "CgroupPlugin=cgroup/v1\n";
    controller_ = spawnProcess({"/usr/sbin/slurmctld", "-D", "-c", "-i", "-f", conf_.string()}, (folder_ / "slurmctld.out").string());
    node_ = spawnProcess({"/usr/sbin/slurmd", "-D", "-f", conf_.string()}, (folder_ / "slurmd.out").string());
    useFromThisProcess();
    const bool idle = waitUntil(
        [] {
            const ProcessResult r = runProcess({"/usr/bin/sinfo", "--noheader", "--format", "%T"});
            return r.exitCode == 0 && r.out.find("idle") != std::string::npos;
        },
        60);
    if (!idle) {
        const ProcessResult sinfo = runProcess({"/usr/bin/sinfo", "--long", "--Node"});
        throw std::runtime_error("the test cluster did not come up: sinfo: " + sinfo.out + sinfo.err + "\n" +
                                 readFile((folder_ / "slurmctld.log").string()) + readFile((folder_ / "slurmd.log").string()));
    }
}

SlurmCluster::~SlurmCluster() { shutDown(); }

void SlurmCluster::shutDown() {
    if (controller_ > 0) {
        runProcess({"/usr/bin/scancel", "--full", "--user=root"});
        waitUntil([] { return runProcess({"/usr/bin/squeue", "--noheader"}).out.empty(); }, 30);
    }
    stop(node_);
    stop(controller_);
    stop(munged_);
}

void SlurmCluster::useFromThisProcess() const { ::setenv("SLURM_CONF", conf_.c_str(), 1); }

std::string SlurmCluster::jobState(const std::string& jobId) const {
    const ProcessResult r = runProcess({"/usr/bin/squeue", "--noheader", "--jobs", jobId, "--format", "%T"});
    const auto l = lines(r.out);
    return r.exitCode == 0 && !l.empty() ? l.front() : "";
}
