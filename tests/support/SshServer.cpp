#include "support/SshServer.h"

#include "support/Process.h"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <dirent.h>
#include <fstream>
#include <netinet/in.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {


bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

void keygen(const fs::path& key) {
    const ProcessResult r = runProcess({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()});
    if (r.exitCode != 0) throw std::runtime_error("ssh-keygen failed: " + r.err);
}

// The pids of processes whose command line contains `needle`.
std::vector<pid_t> processesWith(const std::string& needle) {
    std::vector<pid_t> out;
    DIR* proc = ::opendir("/proc");
    if (!proc) return out;
    while (dirent* d = ::readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atoi(d->d_name));
        if (pid <= 0 || pid == ::getpid()) continue;
        std::ifstream in("/proc/" + std::string(d->d_name) + "/cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (auto& c : cmdline) c = c == '\0' ? ' ' : c;
        if (cmdline.find(needle) != std::string::npos) out.push_back(pid);
    }
    ::closedir(proc);
    return out;
}

pid_t parentOf(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) return 0;
    char state = 0;
    int parent = 0;
    std::sscanf(line.c_str() + close + 1, " %c %d", &state, &parent);
    return parent;
}

bool descendsFrom(pid_t pid, pid_t ancestor) {
    for (int depth = 0; pid > 1 && depth < 64; ++depth) {
        pid = parentOf(pid);
        if (pid == ancestor) return true;
    }
    return false;
}

}  // namespace

SshServer::SshServer(const fs::path& folder, const std::vector<std::string>& sessionEnvironment)
    : folder_(folder), clientConfig_(folder / "ssh_config") {
    if (!fs::exists("/usr/sbin/sshd"))
        throw std::runtime_error("no /usr/sbin/sshd: the tests need Debian's openssh-server (scripts/test.sh installs it)");
    fs::create_directories(folder_);
    keygen(folder_ / "host_key");
    keygen(folder_ / "client_key");
    keygen(folder_ / "stranger_key");
    fs::copy_file(folder_ / "client_key.pub", folder_ / "authorized_keys");
    port_ = freeLoopbackPort();
    const passwd* me = ::getpwuid(::getuid());
    const std::string user = me ? me->pw_name : "root";
    std::ofstream(folder_ / "sshd_config") << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey " << (folder_ / "host_key").string()
                                           << "\nPidFile " << (folder_ / "sshd.pid").string() << "\nAuthorizedKeysFile "
                                           << (folder_ / "authorized_keys").string()
                                           << "\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                                              "PermitRootLogin prohibit-password\nAllowUsers "
                                           << user << "\nLogLevel VERBOSE\nSubsystem sftp internal-sftp\n"
                                           << (sessionEnvironment.empty() ? "" : "SetEnv") << [&] {
                                                  std::string pairs;
                                                  for (const auto& pair : sessionEnvironment) pairs += " " + pair;
                                                  return pairs + (sessionEnvironment.empty() ? "" : "\n");
                                              }();
    std::ofstream config(clientConfig_);
    for (const auto& [alias, key] : {std::pair<std::string, std::string>{"fra-test", "client_key"}, {"fra-badkey", "stranger_key"}})
        config << "Host " << alias << "\n  HostName 127.0.0.1\n  Port " << port_ << "\n  User " << user << "\n  IdentityFile "
               << (folder_ / key).string() << "\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile "
               << (folder_ / "known_hosts").string() << "\n  StrictHostKeyChecking accept-new\n  LogLevel ERROR\n";
    start();
}

SshServer::~SshServer() {
    stop();
    dropClients();
}

void SshServer::start() {
    std::error_code ec;
    fs::create_directories("/run/sshd", ec);  // sshd's privilege separation folder (the package's tmpfiles make it at boot)
    pid_ = spawnProcess({"/usr/sbin/sshd", "-D", "-e", "-f", (folder_ / "sshd_config").string()}, (folder_ / "sshd.log").string());
    for (int i = 0; i < 200 && !accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!accepts(port_)) throw std::runtime_error("sshd did not start: " + readFile((folder_ / "sshd.log").string()));
}

void SshServer::stop() {
    if (pid_ <= 0) return;
    // the per-connection servers are children of the listener: end them too, so the link is down
    for (const pid_t child : processesWith("sshd: "))
        if (descendsFrom(child, pid_)) ::kill(child, SIGKILL);
    ::kill(pid_, SIGTERM);
    waitProcess(pid_);
    pid_ = -1;
}

void SshServer::useFromThisProcess() const {
    ::setenv("FRA_SSH_CONFIG", clientConfig_.c_str(), 1);
    ::setenv("XDG_RUNTIME_DIR", folder_.c_str(), 1);
}

void SshServer::dropClients() const {
    for (const pid_t pid : processesWith(clientConfig_.string())) ::kill(pid, SIGKILL);
}
