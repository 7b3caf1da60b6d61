#pragma once
#include "config/FraConfig.h"
#include "slurm/SlurmJob.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QLabel;
class QPushButton;
class QListWidget;
class QPlainTextEdit;
class QSpinBox;

namespace fraui {

class ConfigForm;
class RunQueue;

// The run form: a preset, the data folder and every field of the config schema, each checked
// as it is edited with the reason shown next to it. Start (or queue) launches the run; pause,
// resume and stop act on the run training in this window.
class LaunchPanel : public QWidget {
    Q_OBJECT
public:
    LaunchPanel(RunQueue* queue, QWidget* parent = nullptr);

    void setRunsFolder(const QString& folder);
    QString runsFolder() const { return runsFolder_; }
    void setDataFolder(const QString& folder);
    void setPreset(const QString& preset);
    void setRunName(const QString& name);
    // Where the run trains: empty for this machine, else an ssh host alias (the Launch view's "Train on"),
    // or slurmTarget() for a batch job submitted to the Slurm cluster this machine's sbatch reaches.
    void setTarget(const QString& host);
    QString target() const;
    static QString slurmTarget();
    // The job a Slurm submission of the form would be, and its script as shown before it is submitted.
    fra::SlurmJobRequest slurmRequest() const;
    QString slurmScript() const;
    // The fra program installed beside the workbench (or in the build tree).
    static QString bundledFra();
    void setRemoteRunsFolder(const QString& folder);
    void setRemoteFra(const QString& command);
    bool canStart() const;
    fra::FraConfig config() const;  // the form's values on top of the preset
    ConfigForm* form() const { return form_; }
    QString dataIssue() const;

public slots:
    void start();                     // run now, or after the current run
    void setTrainingState(const QString& state);

signals:
    void pauseRequested();
    void resumeRequested();
    void stopRequested();
    void resumeRunRequested();
    // Start on an ssh host: `fra pretrain` there, mirrored into `cache` (under the runs folder, in a
    // folder named after the host).
    void remoteLaunchRequested(const QString& host, const QString& fraCommand, const fra::FraConfig& config, const QString& remoteData,
                               const QString& remoteRun, const QString& cache);
    // Submit to Slurm: the job script is written into the run folder and handed to sbatch.
    void slurmSubmitRequested(const fra::SlurmJobRequest& request);
    // Submit to Slurm from an ssh host (a login node): `fra submit slurm` there, mirrored into `cache`.
    void remoteSlurmSubmitRequested(const QString& host, const QString& fraCommand, const fra::FraConfig& config, const QString& remoteData,
                                    const QString& remoteRun, const QString& cache, const fra::SlurmJobRequest& job);

private:
    void loadPreset(const QString& name);
    void validate();
    RunQueue* queue_;
    QString runsFolder_;
    bool remote() const;
    bool slurm() const;       // submitted with this machine's sbatch
    bool slurmThere() const;  // submitted with the sbatch of an ssh host
    QWidget* buildSlurmRow();
    QString remoteRun() const;
    QString cacheFolder() const;
    QComboBox* preset_;
    QComboBox* target_;
    QLineEdit* remoteFolder_;
    QLineEdit* remoteFra_;
    QWidget* remoteRow_;
    QComboBox* data_;
    QLineEdit* name_;
    QLabel* dataIssue_;
    QLabel* summary_;
    ConfigForm* form_;
    QPushButton *start_, *pause_, *stop_;
    QListWidget* queueList_;
    QWidget* slurmRow_;
    QSpinBox *slurmNodes_, *slurmGpus_, *slurmTasks_, *slurmCpus_;
    QLineEdit *slurmTime_, *slurmPartition_, *slurmAccount_, *slurmQos_, *slurmSetup_, *slurmExtra_, *slurmFra_;
    QPlainTextEdit* slurmScript_;
    QCheckBox* remoteSlurm_;
    QWidget* slurmFraLabel_;
    QString trainingState_ = "idle";
    bool valid_ = false;
};

}  // namespace fraui
