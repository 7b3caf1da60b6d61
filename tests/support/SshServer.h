#pragma once
#include <filesystem>
#include <string>
#include <vector>
#include <sys/types.h>

// A real OpenSSH server (Debian's openssh-server) for the tests: its host key, a client key, its
// configuration and an ssh client config with the aliases the tests use are generated into
// `folder`; it listens on 127.0.0.1 on a free port of its own and is stopped by its pid. The
// machine's own sshd and configuration are untouched.
//   fra-test    logs in with the authorised client key
//   fra-badkey  offers a key the server does not know (refused)
class SshServer {
public:
    // `sessionEnvironment`: NAME=value pairs every session on the server sees (sshd's SetEnv), as a
    // login node's own configuration gives them (SLURM_CONF of a test cluster).
    explicit SshServer(const std::filesystem::path& folder, const std::vector<std::string>& sessionEnvironment = {});
    ~SshServer();  // stops the server and the shared client connections
    SshServer(const SshServer&) = delete;
    SshServer& operator=(const SshServer&) = delete;

    void start();  // on the same port as before
    void stop();   // the listener and every connection it serves: the link is down
    // Ends the clients' shared connections (ssh -O exit) and any ssh/rsync client of this config.
    void dropClients() const;
    const std::filesystem::path& clientConfig() const { return clientConfig_; }
    // Points this process's `fra` code at the aliases (FRA_SSH_CONFIG) and keeps the shared
    // connections' sockets in the server's folder (XDG_RUNTIME_DIR).
    void useFromThisProcess() const;
    int port() const { return port_; }

private:
    std::filesystem::path folder_;
    std::filesystem::path clientConfig_;
    int port_ = 0;
    pid_t pid_ = -1;
};
