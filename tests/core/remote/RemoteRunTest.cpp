// The pieces of `fra remote` that need no server: paths as both remote sides read them, the ssh
// config's aliases, remote.json, and the quoting of ssh's options for rsync.
#include "remote/RemoteRun.h"
#include "support/TempDir.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <cstdlib>
#include <gtest/gtest.h>

TEST(RemoteRun, TildePathsAreRelativeToTheLoginFolder) {
    EXPECT_EQ(fra::fromLoginFolder("~/runs/a"), "runs/a");
    EXPECT_EQ(fra::fromLoginFolder("~"), ".");
    EXPECT_EQ(fra::fromLoginFolder("~/"), ".");
    EXPECT_EQ(fra::fromLoginFolder("/scratch/~x"), "/scratch/~x");
    EXPECT_EQ(fra::fromLoginFolder("runs/b"), "runs/b");
}

TEST(RemoteRun, HostsAreTheSshConfigsAliasesWithoutWildcards) {
    TempDir dir;
    fra::writeFileAtomically(dir / "config",
                             "# Host commented\nHost gpu7 gpu8\n  HostName 10.0.0.7\nhost *.cluster\nHost login !bad ?x\nMatch all\nHost gpu7\n");
    EXPECT_EQ(fra::sshConfigHosts(dir / "config"), (std::vector<std::string>{"gpu7", "gpu8", "login"}));
    EXPECT_TRUE(fra::sshConfigHosts(dir / "missing").empty());
}

TEST(RemoteRun, RemoteJsonIsCheckedFieldByField) {
    TempDir dir;
    fra::writeFileAtomically(dir / "remote.json", R"({"host": "gpu7", "remote_run": "runs/a", "launched_pid": 42})");
    const auto e = fra::RemoteRunEntry::read(dir.path());
    EXPECT_EQ(e.host.alias, "gpu7");
    EXPECT_EQ(e.host.fraCommand, "fra");
    EXPECT_EQ(e.launchedPid, 42);
    for (const char* bad : {R"({"remote_run": "a"})", R"({"host": "-oProxyCommand=x", "remote_run": "a"})", R"({"host": "a b", "remote_run": "a"})",
                            R"({"host": "gpu7", "remote_run": ""})", R"({"host": 7, "remote_run": "a"})", "[1]", "{torn"}) {
        fra::writeFileAtomically(dir / "remote.json", bad);
        try {
            fra::RemoteRunEntry::read(dir.path());
            ADD_FAILURE() << "accepted " << bad;
        } catch (const fra::FraError& e) {
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
        }
    }
    EXPECT_THROW(fra::RemoteRunEntry::read(dir / "nowhere"), fra::FraError);
}

TEST(RemoteRun, RsyncGetsSshsOptionsQuotedTheWayItSplitsThem) {
    fra::SshHost host;
    host.alias = "gpu7";
    host.sshConfig = "/home/o'neil/ssh config";
    const std::string shell = host.rsyncShell();
    EXPECT_EQ(shell.rfind("'ssh' '-T' '-F' '/home/o''neil/ssh config'", 0), 0u) << shell;
    EXPECT_NE(shell.find("'BatchMode=yes'"), std::string::npos) << shell;
    const auto argv = host.sshArgv("true");
    EXPECT_EQ(argv.front(), "ssh");
    EXPECT_EQ(argv[argv.size() - 2], "gpu7");
    host.alias = "-oProxyCommand=touch /tmp/x";
    EXPECT_THROW(host.sshArgv("true"), fra::FraError);
}
