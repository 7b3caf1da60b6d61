#pragma once
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <atomic>
#include <map>

namespace fraui {

// Keeps the local mirrors of runs on other machines (folders with remote.json, made by
// `fra remote launch` or `fra remote follow`) up to date: every interval (default 10 s, View >
// Mirror interval) one rsync pass per mirror whose run still trains there, on a worker thread of
// its own, so the GUI never waits for the network. The run browser, the monitor and the regions
// view then read the mirror like a local run.
class RemoteMirror : public QObject {
    Q_OBJECT
public:
    explicit RemoteMirror(QObject* parent = nullptr);
    // From any thread: the pass under way ends after the run it is copying (the window is closing).
    void cancel() { cancelled_ = true; }

public slots:
    void setFolders(const QStringList& folders);  // the run browser's folders
    void setInterval(int milliseconds);
    void mirrorNow();

signals:
    // After each pass over one run: whether its host was reached, and why not.
    void mirrored(const QString& runPath, bool reached, const QString& error);

private:
    QTimer* timer_ = nullptr;
    int interval_ = 10000;
    QStringList folders_;
    std::map<QString, bool> finished_;  // mirrored after its run ended there: nothing more will come
    std::atomic<bool> cancelled_{false};
};

// The default interval, from the settings (View > Mirror interval).
int remoteMirrorIntervalMs();

}  // namespace fraui
