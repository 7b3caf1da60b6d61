// MainWindow's actions on runs elsewhere: steering a run on an ssh host, launching one there, and
// submitting, following and stopping Slurm jobs (here or through a login node). Everything that
// talks to another machine or a scheduler runs off the GUI thread; results come back queued.
#include "widgets/MainWindow.h"

#include "config/ConfigSchema.h"
#include "data/RunCatalog.h"
#include "remote/RemoteRun.h"
#include "slurm/SlurmJob.h"
#include "widgets/LaunchPanel.h"
#include "widgets/RunBrowser.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QStatusBar>
#include <QThreadPool>

namespace fraui {

namespace {
// The ssh host and the run for it, as the Launch view's remote target gives them.
std::pair<fra::SshHost, fra::LaunchRequest> remoteLaunch(const QString& alias, const QString& fraCommand, const fra::FraConfig& config,
                                                         const QString& remoteData, const QString& remoteRun) {
    fra::SshHost host;
    host.alias = alias.toStdString();
    host.fraCommand = fraCommand.toStdString();
    fra::LaunchRequest request;
    request.config = fra::ConfigSchema::instance().toJson(config);
    request.remoteData = remoteData.toStdString();
    request.remoteRun = remoteRun.toStdString();
    return {host, request};
}
}  // namespace

void MainWindow::connectRunsElsewhere() {
    // steering a run on another machine: ssh runs off the GUI thread, the answer comes back queued
    connect(browser_, &RunBrowser::remoteCommandRequested, this, [this](const QString& path, const QString& command) {
        statusBar()->showMessage(tr("%1: sending %2…").arg(QDir(path).dirName(), command));
        QPointer<MainWindow> self(this);
        QThreadPool::globalInstance()->start([self, path, command] {
            QString result;
            bool ok = true;
            try {
                if (command == "fetch") result = tr("fetched %1").arg(QString::fromStdString(fra::fetchRemoteCheckpoint(path.toStdString()).string()));
                else {
                    fra::signalRemoteRun(path.toStdString(), command.toStdString());
                    result = command == "TERM" ? tr("asked to stop after its current step") : command == "TSTP" ? tr("asked to pause") : tr("asked to continue");
                }
            } catch (const std::exception& e) {
                ok = false;
                result = QString::fromStdString(e.what());
            }
            QMetaObject::invokeMethod(qApp, [self, path, ok, result] {
                if (!self) return;
                self->statusBar()->showMessage(tr("%1: %2", "run: message").arg(QDir(path).dirName(), result), 15000);
                if (!ok) QMessageBox::warning(self, tr("Run on another machine"), result);
            }, Qt::QueuedConnection);
        });
    });
    // Stop for a Slurm job: SIGTERM to its tasks (a checkpoint), then scancel, off the GUI thread
    slurmStops_ = new QThreadPool(this);
    slurmStops_->setMaxThreadCount(16);
    connect(browser_, &RunBrowser::slurmStopRequested, this, [this](const QString& path, const QString& job) {
        if (stopping_.contains(path)) {
            statusBar()->showMessage(tr("%1: Slurm job %2 is being stopped").arg(QDir(path).dirName(), job), 10000);
            return;
        }
        stopping_.insert(path);
        statusBar()->showMessage(tr("%1: stopping Slurm job %2…").arg(QDir(path).dirName(), job));
        QPointer<MainWindow> self(this);
        slurmStops_->start([self, path, job] {
            QString result;
            bool ok = true;
            try {
                // a mirror's job is stopped by the fra of its host
                result = QString::fromStdString(fra::RemoteRunEntry::exists(path.toStdString()) ? fra::stopRemoteSlurmJob(path.toStdString())
                                                                                              : fra::stopSlurmJob(job.toStdString(), 300));
            } catch (const std::exception& e) {
                ok = false;
                result = QString::fromStdString(e.what());
            }
            QMetaObject::invokeMethod(qApp, [self, path, ok, result] {
                if (!self) return;
                self->stopping_.remove(path);
                self->statusBar()->showMessage(tr("%1: %2", "run: message").arg(QDir(path).dirName(), result), 15000);
                if (!ok) QMessageBox::warning(self, tr("Stop Slurm job"), result);
                self->catalog_->refresh();
            }, Qt::QueuedConnection);
        });
    });
    // a run for a Slurm cluster: sbatch off the GUI thread; the submission is listed at once, queued
    connect(launch_, &LaunchPanel::slurmSubmitRequested, this, [this](const fra::SlurmJobRequest& request) {
        statusBar()->showMessage(tr("submitting %1 to Slurm…").arg(QString::fromStdString(request.run.filename().string())));
        QPointer<MainWindow> self(this);
        QThreadPool::globalInstance()->start([self, request] {
            QString error, jobId;
            try {
                jobId = QString::fromStdString(fra::submitSlurmJob(request).jobId);
            } catch (const std::exception& e) {
                error = QString::fromStdString(e.what());
            }
            const QString run = QString::fromStdString(request.run.string());
            QMetaObject::invokeMethod(qApp, [self, run, jobId, error] {
                if (!self) return;
                if (!error.isEmpty()) {
                    self->statusBar()->showMessage(error, 15000);
                    QMessageBox::warning(self, tr("Submit to Slurm"), error);
                    return;
                }
                self->catalog_->refresh();
                self->statusBar()->showMessage(tr("submitted job %1: %2").arg(jobId, run), 15000);
                emit self->slurmJobSubmitted(run, jobId);
            }, Qt::QueuedConnection);
        });
    });
    // a Slurm job submitted from a login node over ssh: listed and mirrored like a run there
    connect(launch_, &LaunchPanel::remoteSlurmSubmitRequested, this,
            [this](const QString& alias, const QString& fraCommand, const fra::FraConfig& config, const QString& remoteData,
                   const QString& remoteRun, const QString& cache, const fra::SlurmJobRequest& job) {
                statusBar()->showMessage(tr("submitting %1 to Slurm on %2…").arg(remoteRun, alias));
                QPointer<MainWindow> self(this);
                QThreadPool::globalInstance()->start([self, alias, fraCommand, config, remoteData, remoteRun, cache, job] {
                    QString error, jobId;
                    try {
                        const auto [host, request] = remoteLaunch(alias, fraCommand, config, remoteData, remoteRun);
                        jobId = QString::fromStdString(fra::submitRemoteSlurmJob(host, request, job, cache.toStdString()));
                    } catch (const std::exception& e) {
                        error = QString::fromStdString(e.what());
                    }
                    QMetaObject::invokeMethod(qApp, [self, alias, cache, jobId, error] {
                        if (!self) return;
                        if (!error.isEmpty()) {
                            self->statusBar()->showMessage(error, 15000);
                            QMessageBox::warning(self, tr("Submit to Slurm on %1").arg(alias), error);
                            return;
                        }
                        self->catalog_->addFolder(QFileInfo(cache).absolutePath());
                        QSettings().setValue("extraFolders", self->catalog_->folders().mid(1));
                        self->statusBar()->showMessage(tr("submitted job %1 on %2; mirrored in %3").arg(jobId, alias, cache), 15000);
                        emit self->remoteRunLaunched(cache);
                        emit self->slurmJobSubmitted(cache, jobId);
                    }, Qt::QueuedConnection);
                });
            });
    // a run on an ssh host: launched off the GUI thread, then listed and mirrored like the others
    connect(launch_, &LaunchPanel::remoteLaunchRequested, this,
            [this](const QString& alias, const QString& fraCommand, const fra::FraConfig& config, const QString& remoteData,
                   const QString& remoteRun, const QString& cache) {
                statusBar()->showMessage(tr("starting %1 on %2…").arg(remoteRun, alias));
                QPointer<MainWindow> self(this);
                QThreadPool::globalInstance()->start([self, alias, fraCommand, config, remoteData, remoteRun, cache] {
                    QString error;
                    try {
                        const auto [host, request] = remoteLaunch(alias, fraCommand, config, remoteData, remoteRun);
                        fra::launchRemoteRun(host, request, cache.toStdString());
                    } catch (const std::exception& e) {
                        error = QString::fromStdString(e.what());
                    }
                    QMetaObject::invokeMethod(qApp, [self, alias, remoteRun, cache, error] {
                        if (!self) return;
                        if (!error.isEmpty()) {
                            self->statusBar()->showMessage(error, 15000);
                            QMessageBox::warning(self, tr("Train on %1").arg(alias), error);
                            return;
                        }
                        const QString folder = QFileInfo(cache).absolutePath();
                        self->catalog_->addFolder(folder);
                        QSettings().setValue("extraFolders", self->catalog_->folders().mid(1));
                        self->statusBar()->showMessage(tr("%1 trains on %2; mirrored in %3").arg(remoteRun, alias, cache), 15000);
                        emit self->remoteRunLaunched(cache);
                    }, Qt::QueuedConnection);
                });
            });
}

}  // namespace fraui
