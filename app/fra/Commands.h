#pragma once
#include <CLI/CLI.hpp>
#include <functional>

// Each `fra` subcommand registers its options and returns the action that runs it; the
// action returns the process exit code (0 done, 1 failed, 130 interrupted).
using CommandAction = std::function<int()>;

void addPretrainCommands(CLI::App& app, CommandAction& action);  // pretrain, resume
void addRunsCommand(CLI::App& app, CommandAction& action);
void addRemoteCommands(CLI::App& app, CommandAction& action);  // remote launch, follow, stop, pause, continue, fetch, runs
void addHeatmapsCommand(CLI::App& app, CommandAction& action);
void addExportCommand(CLI::App& app, CommandAction& action);
void addBenchCommand(CLI::App& app, CommandAction& action);
void addConfigCommands(CLI::App& app, CommandAction& action);    // presets, config
void addSamplesCommand(CLI::App& app, CommandAction& action);
void addPrepareCommand(CLI::App& app, CommandAction& action);
void addDownstreamCommands(CLI::App& app, CommandAction& action);  // datasets, finetune, eval, compare
void addSubmitCommand(CLI::App& app, CommandAction& action);       // submit slurm
