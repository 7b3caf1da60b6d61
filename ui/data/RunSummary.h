#pragma once
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace fraui {

// One row of the run browser.
struct RunSummary {
    QString path;
    QString name;
    QString preset;
    QString state;     // created, running, paused, stopped, finished, failed, interrupted
    QString message;
    qint64 step = 0;
    qint64 totalSteps = 0;
    double bestLoss = qQNaN();
    double lastLoss = qQNaN();
    QString notes;
    QStringList tags;
    bool live = false;  // a process holds the run's lock
};

}  // namespace fraui

Q_DECLARE_METATYPE(fraui::RunSummary)
Q_DECLARE_METATYPE(QVector<fraui::RunSummary>)
