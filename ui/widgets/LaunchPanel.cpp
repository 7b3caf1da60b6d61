#include "widgets/LaunchPanel.h"

#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"
#include "remote/RemoteRun.h"
#include "data/RunQueue.h"
#include "widgets/ConfigForm.h"
#include "util/Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFontDatabase>
#include <QGridLayout>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace fraui {

namespace {
std::vector<fra::FieldSpec> trainingFields() {
    std::vector<fra::FieldSpec> out;
    for (const auto& f : fra::ConfigSchema::instance().fields())
        if (f.key != "data.root") out.push_back(f);  // the data folder has its own picker
    return out;
}
QString thisMachine() { return LaunchPanel::tr("This machine"); }
QLineEdit* namedLine(const char* name, const QString& tip) {
    auto* line = new QLineEdit;
    line->setObjectName(name);
    line->setToolTip(tip);
    return line;
}
QSpinBox* namedSpin(const char* name, int low, int high, int value, const QString& tip) {
    auto* spin = new QSpinBox;
    spin->setObjectName(name);
    spin->setRange(low, high);
    spin->setValue(value);
    spin->setToolTip(tip);
    return spin;
}
}  // namespace

LaunchPanel::LaunchPanel(RunQueue* queue, QWidget* parent) : QWidget(parent), queue_(queue) {
    auto* layout = new QVBoxLayout(this);
    auto* top = new QFormLayout;
    preset_ = new QComboBox;
    preset_->setObjectName("preset");
    try {
        for (const auto& p : fra::PresetLibrary::installed().list()) {
            preset_->addItem(QString::fromStdString(p.name));
            preset_->setItemData(preset_->count() - 1, QString::fromStdString(p.description), Qt::ToolTipRole);
        }
    } catch (const std::exception& e) {
        preset_->addItem(tr("(no presets: %1)").arg(e.what()));
    }
    preset_->setAccessibleName(tr("Preset"));
    top->addRow(tr("Preset"), preset_);
    target_ = new QComboBox;
    target_->setObjectName("target");
    target_->setEditable(true);
    target_->addItem(thisMachine());
    target_->addItem(slurmTarget());
    for (const auto& host : fra::sshConfigHosts()) target_->addItem(QString::fromStdString(host));
    target_->setToolTip(tr("This machine; a batch job on the Slurm cluster this machine submits to (sbatch); or an ssh host alias "
                           "from your ssh config: the run trains there, detached from the connection, and is mirrored here"));
    target_->setAccessibleName(tr("Train on"));
    target_->setAccessibleDescription(tr("This machine, the Slurm cluster, or an ssh host alias"));
    top->addRow(tr("Train on"), target_);
    remoteRow_ = new QWidget;
    auto* remoteLayout = new QHBoxLayout(remoteRow_);
    remoteLayout->setContentsMargins(0, 0, 0, 0);
    remoteFolder_ = new QLineEdit(QSettings().value("remoteRunsFolder", "runs").toString());
    remoteFolder_->setObjectName("remoteRunsFolder");
    remoteFolder_->setToolTip(tr("Folder of runs on the host (relative to the login folder, or absolute)"));
    remoteFolder_->setAccessibleName(tr("runs folder there"));
    remoteFra_ = new QLineEdit(QSettings().value("remoteFra", "fra").toString());
    remoteFra_->setObjectName("remoteFra");
    remoteFra_->setToolTip(tr("The fra command on the host: a name on its PATH, or a path"));
    remoteFra_->setAccessibleName(tr("fra there"));
    remoteLayout->addWidget(new QLabel(tr("runs folder there")));
    remoteLayout->addWidget(remoteFolder_, 2);
    remoteLayout->addWidget(new QLabel(tr("fra there")));
    remoteLayout->addWidget(remoteFra_, 1);
    remoteSlurm_ = new QCheckBox(tr("as a Slurm job (sbatch there)"));
    remoteSlurm_->setObjectName("remoteSlurm");
    remoteSlurm_->setAccessibleName(remoteSlurm_->text());
    remoteSlurm_->setToolTip(tr("The host is a Slurm login node: submit the run there with `fra submit slurm` instead of training on the host"));
    remoteLayout->addWidget(remoteSlurm_);
    top->addRow("", remoteRow_);
    slurmRow_ = buildSlurmRow();
    top->addRow("", slurmRow_);
    auto* dataRow = new QHBoxLayout;
    data_ = new QComboBox;
    data_->setObjectName("dataFolder");
    data_->setEditable(true);
    data_->addItems(QSettings().value("recentDataFolders").toStringList());
    data_->setAccessibleName(tr("Face images"));
    data_->setAccessibleDescription(tr("The folder of face images the run trains on"));
    auto* browse = new QPushButton(tr("Browse…"));
    browse->setAccessibleName(tr("Browse for the face images"));
    dataRow->addWidget(data_, 1);
    dataRow->addWidget(browse);
    dataIssue_ = new QLabel;
    dataIssue_->setObjectName("dataFolder.issue");
    showAsError(dataIssue_, true);
    dataRow->addWidget(dataIssue_, 1);
    top->addRow(tr("Face images"), dataRow);
    name_ = new QLineEdit;
    name_->setObjectName("runName");
    name_->setAccessibleName(tr("Run name"));
    top->addRow(tr("Run name"), name_);
    layout->addLayout(top);

    form_ = new ConfigForm(trainingFields());
    layout->addWidget(form_, 1);

    summary_ = new QLabel;
    summary_->setObjectName("launchSummary");
    layout->addWidget(summary_);
    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton(tr("Start"));
    start_->setObjectName("start");
    start_->setToolTip(tr("Start the run (queued if another one is training) — Ctrl+R"));
    start_->setAccessibleName(tr("Start"));
    pause_ = new QPushButton(tr("Pause"));
    pause_->setObjectName("pause");
    pause_->setAccessibleName(tr("Pause or resume"));
    stop_ = new QPushButton(tr("Stop"));
    stop_->setObjectName("stop");
    stop_->setToolTip(tr("Stop after the current step, with a checkpoint (resumable)"));
    stop_->setAccessibleName(tr("Stop"));
    auto* resumeRun = new QPushButton(tr("Resume a run…"));
    resumeRun->setToolTip(tr("Continue a stopped or interrupted run from its newest checkpoint"));
    resumeRun->setAccessibleName(tr("Resume a run"));
    buttons->addWidget(start_);
    buttons->addWidget(pause_);
    buttons->addWidget(stop_);
    buttons->addWidget(resumeRun);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addWidget(new QLabel(tr("Queued runs")));
    queueList_ = new QListWidget;
    queueList_->setObjectName("queue");
    queueList_->setAccessibleName(tr("Queued runs"));
    queueList_->setMaximumHeight(80);
    layout->addWidget(queueList_);

    connect(preset_, &QComboBox::currentTextChanged, this, &LaunchPanel::loadPreset);
    connect(target_, &QComboBox::currentTextChanged, this, &LaunchPanel::validate);
    connect(remoteFolder_, &QLineEdit::textChanged, this, &LaunchPanel::validate);
    connect(remoteFra_, &QLineEdit::textChanged, this, &LaunchPanel::validate);
    connect(remoteSlurm_, &QCheckBox::toggled, this, &LaunchPanel::validate);
    for (auto* spin : {slurmNodes_, slurmGpus_, slurmTasks_, slurmCpus_}) connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &LaunchPanel::validate);
    for (auto* line : {slurmTime_, slurmPartition_, slurmAccount_, slurmQos_, slurmSetup_, slurmExtra_, slurmFra_})
        connect(line, &QLineEdit::textChanged, this, &LaunchPanel::validate);
    connect(form_, &ConfigForm::edited, this, &LaunchPanel::validate);
    connect(data_, &QComboBox::currentTextChanged, this, &LaunchPanel::validate);
    connect(name_, &QLineEdit::textEdited, this, &LaunchPanel::validate);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of face images"), data_->currentText());
        if (!dir.isEmpty()) setDataFolder(dir);
    });
    connect(start_, &QPushButton::clicked, this, &LaunchPanel::start);
    connect(pause_, &QPushButton::clicked, this, [this] {
        if (trainingState_ == "paused") emit resumeRequested();
        else emit pauseRequested();
    });
    connect(stop_, &QPushButton::clicked, this, &LaunchPanel::stopRequested);
    connect(resumeRun, &QPushButton::clicked, this, &LaunchPanel::resumeRunRequested);
    connect(queue_, &RunQueue::changed, this, [this] {
        queueList_->clear();
        for (const auto& l : queue_->pending()) queueList_->addItem(l.describe());
    });
    const int cpu = preset_->findText("cpu-r18");
    if (cpu >= 0) preset_->setCurrentIndex(cpu);
    loadPreset(preset_->currentText());
    setTrainingState("idle");
}

QWidget* LaunchPanel::buildSlurmRow() {
    auto* row = new QWidget;
    auto* grid = new QGridLayout(row);
    grid->setContentsMargins(0, 0, 0, 0);
    slurmNodes_ = namedSpin("slurmNodes", 1, 4096, 1, tr("Nodes"));
    slurmGpus_ = namedSpin("slurmGpus", 0, 64, 0, tr("GPUs per node, one task each (0: CPU nodes)"));
    slurmTasks_ = namedSpin("slurmTasks", 1, 1024, 1, tr("Tasks per node on CPU nodes (with GPUs: one per GPU)"));
    slurmCpus_ = namedSpin("slurmCpus", 0, 4096, 0, tr("CPUs per task (0: the cluster's default)"));
    slurmTime_ = namedLine("slurmTime", tr("Time limit of each run of the job, as sbatch takes it (e.g. 1-00:00:00); empty: the partition's"));
    slurmPartition_ = namedLine("slurmPartition", tr("Partition (empty: the cluster's default)"));
    slurmAccount_ = namedLine("slurmAccount", tr("Account"));
    slurmQos_ = namedLine("slurmQos", tr("Quality of service"));
    slurmSetup_ = namedLine("slurmSetup", tr("A file of shell lines run on the node before fra (module load, conda activate)"));
    slurmExtra_ = namedLine("slurmExtra", tr("More sbatch options, separated by spaces, e.g. --constraint=a100 --mem=64G"));
    slurmFra_ = namedLine("slurmFra", tr("The fra the nodes run: a path every node sees, or a name on their PATH"));
    slurmFra_->setText(QSettings().value("slurm/fra", bundledFra()).toString());
    const std::pair<QString, QWidget*> cells[] = {{tr("nodes"), slurmNodes_},         {tr("GPUs per node"), slurmGpus_},
                                                  {tr("tasks per node"), slurmTasks_}, {tr("CPUs per task"), slurmCpus_},
                                                  {tr("time"), slurmTime_},            {tr("partition"), slurmPartition_},
                                                  {tr("account"), slurmAccount_},      {tr("QoS"), slurmQos_}};
    int i = 0;
    for (const auto& [label, widget] : cells) {
        grid->addWidget(new QLabel(label), i / 4, (i % 4) * 2);
        grid->addWidget(widget, i / 4, (i % 4) * 2 + 1);
        widget->setAccessibleName(label);
        ++i;
    }
    slurmSetup_->setAccessibleName(tr("setup file"));
    slurmExtra_->setAccessibleName(tr("sbatch options"));
    slurmFra_->setAccessibleName(tr("fra on the nodes"));
    grid->addWidget(new QLabel(tr("setup file")), 2, 0);
    grid->addWidget(slurmSetup_, 2, 1, 1, 3);
    grid->addWidget(new QLabel(tr("sbatch options")), 2, 4);
    grid->addWidget(slurmExtra_, 2, 5, 1, 3);
    slurmFraLabel_ = new QLabel(tr("fra on the nodes"));
    grid->addWidget(slurmFraLabel_, 3, 0);
    grid->addWidget(slurmFra_, 3, 1, 1, 7);
    slurmScript_ = new QPlainTextEdit;
    slurmScript_->setObjectName("slurmScript");
    slurmScript_->setAccessibleName(tr("Job script"));
    slurmScript_->setReadOnly(true);
    slurmScript_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    slurmScript_->setMaximumHeight(160);
    slurmScript_->setToolTip(tr("The job script as it will be submitted (written to RUN/slurm/job.sh)"));
    grid->addWidget(new QLabel(tr("job script")), 4, 0, Qt::AlignTop);
    grid->addWidget(slurmScript_, 4, 1, 1, 7);
    return row;
}

QString LaunchPanel::slurmTarget() { return tr("Slurm cluster (sbatch from here)"); }

QString LaunchPanel::bundledFra() {
    const QString here = QCoreApplication::applicationDirPath();
    for (const QString& candidate : {here + "/fra", here + "/../fra/fra", here + "/../../app/fra/fra"})
        if (QFile::exists(candidate)) return QDir::cleanPath(candidate);
    return "fra";
}

bool LaunchPanel::slurm() const { return target_->currentText() == slurmTarget(); }
bool LaunchPanel::slurmThere() const { return remote() && remoteSlurm_->isChecked(); }

fra::SlurmJobRequest LaunchPanel::slurmRequest() const {
    fra::SlurmJobRequest r;
    r.run = slurmThere() ? remoteRun().toStdString() : QDir(QDir(runsFolder_).absoluteFilePath(name_->text().trimmed())).absolutePath().toStdString();
    nlohmann::json settings = fra::ConfigSchema::instance().toJson(config());
    settings.erase("preset");
    if (settings.contains("data")) settings["data"].erase("root");  // given as --data
    r.settings = settings.dump();
    const QString data = slurmThere() ? data_->currentText().trimmed() : QDir(data_->currentText().trimmed()).absolutePath();
    r.pretrainArgs = {"--preset", preset_->currentText().toStdString(), "--data", data.toStdString()};
    // on a login node, the job runs the fra that submits it (its own absolute path)
    r.fra = slurmThere() ? std::string() : slurmFra_->text().trimmed().toStdString();
    r.nodes = slurmNodes_->value();
    r.gpusPerNode = slurmGpus_->value();
    r.tasksPerNode = r.gpusPerNode > 0 ? r.gpusPerNode : slurmTasks_->value();
    r.cpusPerTask = slurmCpus_->value();
    r.time = slurmTime_->text().trimmed().toStdString();
    r.partition = slurmPartition_->text().trimmed().toStdString();
    r.account = slurmAccount_->text().trimmed().toStdString();
    r.qos = slurmQos_->text().trimmed().toStdString();
    const QString setup = slurmSetup_->text().trimmed();
    if (!setup.isEmpty()) r.setupFile = slurmThere() ? fra::fromLoginFolder(setup.toStdString()) : QDir(setup).absolutePath().toStdString();
    for (const auto& option : slurmExtra_->text().split(' ', Qt::SkipEmptyParts)) r.sbatchExtra.push_back(option.toStdString());
    return r;
}

QString LaunchPanel::slurmScript() const { return slurmScript_->toPlainText(); }

void LaunchPanel::setRunsFolder(const QString& folder) {
    runsFolder_ = folder;
    validate();
}

void LaunchPanel::setDataFolder(const QString& folder) {
    data_->setCurrentText(folder);
    validate();
}

void LaunchPanel::setPreset(const QString& preset) { preset_->setCurrentText(preset); }

void LaunchPanel::setTarget(const QString& host) { target_->setCurrentText(host.isEmpty() ? thisMachine() : host); }
QString LaunchPanel::target() const { return remote() || slurm() ? target_->currentText().trimmed() : QString(); }
void LaunchPanel::setRemoteRunsFolder(const QString& folder) { remoteFolder_->setText(folder); }
void LaunchPanel::setRemoteFra(const QString& command) { remoteFra_->setText(command); }
bool LaunchPanel::remote() const {
    const QString t = target_->currentText().trimmed();
    return !t.isEmpty() && t != thisMachine() && t != slurmTarget();
}
QString LaunchPanel::remoteRun() const {
    const QString folder = remoteFolder_->text().trimmed();
    return (folder.isEmpty() || folder.endsWith('/') ? folder : folder + "/") + name_->text().trimmed();
}
QString LaunchPanel::cacheFolder() const {
    return QDir(QDir(runsFolder_).filePath(target_->currentText().trimmed())).filePath(name_->text().trimmed());
}

void LaunchPanel::setRunName(const QString& name) {
    name_->setText(name);
    validate();
}

void LaunchPanel::loadPreset(const QString& name) {
    try {
        const fra::FraConfig c = fra::PresetLibrary::installed().resolve(name.toStdString());
        form_->setValues(fra::ConfigSchema::instance().toJson(c));
    } catch (const std::exception&) {
    }
    name_->setText(name + "-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
    validate();
}

fra::FraConfig LaunchPanel::config() const {
    fra::FraConfig c;
    try {
        c = fra::PresetLibrary::installed().resolve(preset_->currentText().toStdString());
        fra::ConfigSchema::instance().apply(c, form_->values(), "form");
    } catch (const std::exception&) {
    }
    // on a host the faces are a path there, checked there
    c.data.root = remote() ? data_->currentText().trimmed().toStdString() : QDir(data_->currentText()).absolutePath().toStdString();
    return c;
}

QString LaunchPanel::dataIssue() const { return dataIssue_->text(); }

void LaunchPanel::validate() {
    std::vector<fra::ConfigIssue> issues = form_->parseIssues();
    if (issues.empty()) {
        const fra::FraConfig c = config();
        for (const auto& i : fra::ConfigSchema::instance().validate(c))
            if (i.key != "data.root") issues.push_back(i);
    }
    form_->showIssues(issues);
    QString dataProblem;
    const QString folder = data_->currentText().trimmed();
    remoteRow_->setVisible(remote());
    if (folder.isEmpty()) dataProblem = remote() ? tr("give the faces' folder or store on the host") : tr("choose a folder of face images");
    else if (!remote() && !QDir(folder).exists()) dataProblem = tr("folder does not exist");
    data_->setProperty("issue", dataProblem);
    dataIssue_->setText(dataProblem);
    QString nameProblem;
    const QString target = remote() ? cacheFolder() : QDir(runsFolder_).filePath(name_->text().trimmed());
    if (name_->text().trimmed().isEmpty()) nameProblem = tr("give the run a name");
    else if (QDir(target).exists() && !QDir(target).isEmpty()) nameProblem = tr("a run of that name exists");
    else if (remote() && target_->currentText().trimmed().startsWith('-')) nameProblem = tr("not an ssh host alias");
    else if (remote() && remoteFra_->text().trimmed().isEmpty()) nameProblem = tr("name the fra command on the host");
    slurmRow_->setVisible(slurm() || slurmThere());
    slurmFra_->setVisible(!slurmThere());  // on a login node: the fra there
    slurmFraLabel_->setVisible(!slurmThere());
    if ((slurm() || slurmThere()) && nameProblem.isEmpty()) {
        const std::string time = slurmTime_->text().trimmed().toStdString();
        if (!time.empty() && !fra::parseSlurmDuration(time)) nameProblem = tr("time '%1' is not a Slurm duration (e.g. 2-00:00:00)").arg(QString::fromStdString(time));
        else if (slurm() && slurmFra_->text().trimmed().isEmpty()) nameProblem = tr("name the fra the nodes run");
        try {
            fra::SlurmJobRequest shown = slurmRequest();
            if (slurmThere()) {
                shown.setupFile.clear();  // a file on the host: its lines are added there
                shown.fra = remoteFra_->text().trimmed().toStdString();  // written there as its absolute path
            }
            QString script = QString::fromStdString(fra::slurmJobScript(shown));
            if (slurmThere() && !slurmSetup_->text().trimmed().isEmpty())
                script.replace("export FRA_SLURM_SIGNAL_S", tr("# setup: %1 (its lines are added on %2)\n").arg(slurmSetup_->text().trimmed(), target_->currentText().trimmed()) +
                                                                "export FRA_SLURM_SIGNAL_S");
            slurmScript_->setPlainText(script);
        } catch (const std::exception& e) {
            slurmScript_->setPlainText(QString());
            if (nameProblem.isEmpty()) nameProblem = QString::fromStdString(e.what());
        }
    }
    valid_ = issues.empty() && dataProblem.isEmpty() && nameProblem.isEmpty() && !runsFolder_.isEmpty();
    const QString destination = remote() ? tr("%1:%2 (mirrored in %3)").arg(target_->currentText().trimmed(), remoteRun(), target) : target;
    const int problems = static_cast<int>(issues.size()) + !dataProblem.isEmpty() + !nameProblem.isEmpty();
    summary_->setText(valid_ ? (slurm() ? tr("Slurm job → %1").arg(target)
                                : slurmThere() ? tr("Slurm job on %1").arg(destination)
                                               : tr("Run → %1").arg(destination))
                      : nameProblem.isEmpty() ? tr("%n problem(s) to fix", nullptr, problems)
                                              : tr("%n problem(s) to fix: %1", nullptr, problems).arg(nameProblem));
    start_->setEnabled(valid_);
    start_->setText(slurm() || slurmThere() ? tr("Submit") : trainingState_ == "running" || trainingState_ == "paused" || trainingState_ == "starting" ? tr("Queue") : tr("Start"));
}

bool LaunchPanel::canStart() const { return valid_; }

void LaunchPanel::start() {
    validate();
    if (!valid_) return;
    QSettings settings;
    QStringList recent = settings.value("recentDataFolders").toStringList();
    recent.removeAll(data_->currentText());
    recent.prepend(data_->currentText());
    settings.setValue("recentDataFolders", recent.mid(0, 10));
    if (slurm()) {
        settings.setValue("slurm/fra", slurmFra_->text().trimmed());
        emit slurmSubmitRequested(slurmRequest());
    } else if (slurmThere()) {
        settings.setValue("remoteRunsFolder", remoteFolder_->text().trimmed());
        settings.setValue("remoteFra", remoteFra_->text().trimmed());
        emit remoteSlurmSubmitRequested(target_->currentText().trimmed(), remoteFra_->text().trimmed(), config(), data_->currentText().trimmed(),
                                        remoteRun(), cacheFolder(), slurmRequest());
    } else if (remote()) {
        settings.setValue("remoteRunsFolder", remoteFolder_->text().trimmed());
        settings.setValue("remoteFra", remoteFra_->text().trimmed());
        emit remoteLaunchRequested(target_->currentText().trimmed(), remoteFra_->text().trimmed(), config(), data_->currentText().trimmed(),
                                   remoteRun(), cacheFolder());
    } else {
        RunQueue::Launch launch;
        launch.config = config();
        launch.runDir = QDir(runsFolder_).filePath(name_->text().trimmed());
        queue_->enqueue(launch);
    }
    name_->setText(preset_->currentText() + "-" + QDateTime::currentDateTime().addSecs(1).toString("yyyyMMdd-HHmmss"));
    validate();
}

void LaunchPanel::setTrainingState(const QString& state) {
    trainingState_ = state;
    const bool active = state == "running" || state == "paused" || state == "starting";
    pause_->setEnabled(active && state != "starting");
    pause_->setText(state == "paused" ? tr("Resume") : tr("Pause"));
    stop_->setEnabled(active);
    start_->setText(slurm() || slurmThere() ? tr("Submit") : active ? tr("Queue") : tr("Start"));
}

}  // namespace fraui
