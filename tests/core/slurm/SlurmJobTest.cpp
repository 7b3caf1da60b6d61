// The Slurm job script and Slurm's durations, without a cluster (tests/app/SlurmTest.cpp submits to one).
#include "slurm/SlurmJob.h"
#include "support/TempDir.h"
#include "util/FraError.h"

#include <algorithm>
#include <fstream>
#include <gtest/gtest.h>

namespace {

fra::SlurmJobRequest request(const std::filesystem::path& run) {
    fra::SlurmJobRequest r;
    r.run = run;
    r.fra = "/opt/fra/bin/fra";
    r.pretrainArgs = {"--preset", "paper-r50", "--data", "/data/vgg face2", "--set", "run.device=cuda"};
    r.nodes = 2;
    r.tasksPerNode = 4;
    r.gpusPerNode = 4;
    r.cpusPerTask = 8;
    r.time = "2-00:00:00";
    r.partition = "gpu";
    r.signalSeconds = 300;
    return r;
}

}  // namespace

TEST(SlurmJob, TheScriptRunsOneTaskPerGpuAppendsItsLogRequeuesAndResumes) {
    const std::string s = fra::slurmJobScript(request("/scratch/runs/r50 a"));
    for (const char* line : {"#SBATCH --nodes=2\n", "#SBATCH --ntasks-per-node=4\n", "#SBATCH --gpus-per-node=4\n", "#SBATCH --cpus-per-task=8\n",
                             "#SBATCH --time=2-00:00:00\n", "#SBATCH --partition=gpu\n", "#SBATCH --output=/scratch/runs/r50 a/slurm/job-%j.log\n",
                             "#SBATCH --open-mode=append\n", "#SBATCH --requeue\n", "#SBATCH --signal=USR2@300\n",
                             "export FRA_SLURM_SIGNAL_S=300\n", "RUN='/scratch/runs/r50 a'\n",
                             "srun --kill-on-bad-exit=1 '/opt/fra/bin/fra' resume \"$RUN\"\n",
                             "srun --kill-on-bad-exit=1 '/opt/fra/bin/fra' pretrain '--preset' 'paper-r50' '--data' '/data/vgg face2' '--set' "
                             "'run.device=cuda' --out \"$RUN\"\n"})
        EXPECT_NE(s.find(line), std::string::npos) << line << "\n" << s;
    EXPECT_EQ(s.find("--account"), std::string::npos);  // what is not given is left to the cluster
    EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u);
    EXPECT_LT(s.rfind("#SBATCH"), s.find("export FRA_SLURM_SIGNAL_S"));  // sbatch reads options only before the first command
}

TEST(SlurmJob, TheSetupFileGoesBeforeFraAndBadOnesAreNamed) {
    TempDir dir;
    fra::SlurmJobRequest r = request(dir / "run");
    r.setupFile = dir / "setup.sh";
    std::ofstream(r.setupFile) << "module load cuda/12.4\nsource ~/miniconda3/bin/activate fra";
    const std::string s = fra::slurmJobScript(r);
    EXPECT_NE(s.find("module load cuda/12.4\nsource ~/miniconda3/bin/activate fra\n"), std::string::npos) << s;
    EXPECT_LT(s.find("module load"), s.find("srun"));
    std::ofstream(r.setupFile) << "module load cuda\n#SBATCH --mem=4G\n";
    try {
        fra::slurmJobScript(r);
        FAIL() << "took an #SBATCH line after a command";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("setup.sh':2: #SBATCH lines"), std::string::npos) << e.what();
    }
    std::ofstream(r.setupFile, std::ios::binary) << std::string("\x7f" "ELF\0\0", 6);
    EXPECT_THROW(fra::slurmJobScript(r), fra::FraError);
    r.setupFile = dir / "missing.sh";
    EXPECT_THROW(fra::slurmJobScript(r), fra::FraError);
    r.setupFile.clear();
    r.sbatchExtra = {"--constraint=a100", "--mem=0\n#SBATCH --x"};
    EXPECT_THROW(fra::slurmJobScript(r), fra::FraError);
}

TEST(SlurmJob, DurationsAsSqueueWritesThem) {
    EXPECT_EQ(fra::parseSlurmDuration("5"), 300.0);         // minutes
    EXPECT_EQ(fra::parseSlurmDuration("4:05"), 245.0);      // minutes:seconds
    EXPECT_EQ(fra::parseSlurmDuration("1:02:03"), 3723.0);  // hours:minutes:seconds
    EXPECT_EQ(fra::parseSlurmDuration("2-03"), 2 * 86400.0 + 3 * 3600.0);
    EXPECT_EQ(fra::parseSlurmDuration("2-03:04"), 2 * 86400.0 + 3 * 3600.0 + 4 * 60.0);
    EXPECT_EQ(fra::parseSlurmDuration("1-00:00:30"), 86430.0);
    for (const char* bad : {"UNLIMITED", "INVALID", "NOT_SET", "", "1:2:3:4", "-5", "1-", "a:b", "12345678901", "12345678901234567890-01"})
        EXPECT_FALSE(fra::parseSlurmDuration(bad).has_value()) << bad;
}

TEST(SlurmJob, QueueStatesAsSqueueListsThem) {
    const std::string listed = "41|PENDING|BeginTime\n42|RUNNING|None\n43|COMPLETED|None\n44|REQUEUE_HOLD|JobHeldUser\r\n7_3|CANCELLED|None\nbroken line\n";
    const auto states = fra::parseSlurmJobStates(listed, {"41", "42", "43", "44", "7_3", "99"});
    ASSERT_EQ(states.size(), 5u);  // 99 is not listed: absent, not guessed
    EXPECT_EQ(states.at("41").describe(), "PENDING (BeginTime)");
    EXPECT_EQ(states.at("42").describe(), "RUNNING");
    EXPECT_EQ(states.at("44").describe(), "REQUEUE_HOLD (JobHeldUser)");
    // only a terminal state is finished; a job with tasks is one a signal reaches
    for (const char* ended : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY"})
        EXPECT_TRUE((fra::SlurmJobState{ended, ""}.finished())) << ended;
    for (const char* waiting : {"PENDING", "RUNNING", "COMPLETING", "REQUEUED", "REQUEUE_HOLD", "SUSPENDED", "A_STATE_OF_A_NEWER_SLURM", ""})
        EXPECT_FALSE((fra::SlurmJobState{waiting, ""}.finished())) << waiting;
    EXPECT_TRUE((fra::SlurmJobState{"RUNNING", ""}.hasTasks()));
    EXPECT_FALSE((fra::SlurmJobState{"PENDING", ""}.hasTasks()));
    EXPECT_FALSE((fra::SlurmJobState{"REQUEUED", ""}.hasTasks()));
}

TEST(SlurmJob, SubmitArgumentsCarryEveryResourceAndOption) {
    fra::SlurmJobRequest r;
    r.nodes = 2;
    r.gpusPerNode = 4;
    r.cpusPerTask = 8;
    r.time = "1-00:00:00";
    r.partition = "gpu";
    r.account = "proj";
    r.qos = "high";
    r.setupFile = "setup.sh";
    r.sbatchExtra = {"--constraint=a100", "--mem=64G"};
    r.signalSeconds = 300;
    EXPECT_EQ(fra::slurmSubmitArguments(r),
              (std::vector<std::string>{"--nodes", "2", "--signal-lead", "300", "--gpus-per-node", "4", "--cpus-per-task", "8", "--time",
                                        "1-00:00:00", "--partition", "gpu", "--account", "proj", "--qos", "high", "--setup-file", "setup.sh",
                                        "--sbatch-extra=--constraint=a100", "--sbatch-extra=--mem=64G"}));
    r.gpusPerNode = 0;
    r.tasksPerNode = 3;
    r.fra = "/opt/fra/bin/fra";
    const auto cpu = fra::slurmSubmitArguments(r);
    EXPECT_NE(std::find(cpu.begin(), cpu.end(), "--tasks-per-node"), cpu.end());
    EXPECT_EQ(cpu.back(), "/opt/fra/bin/fra");
}
