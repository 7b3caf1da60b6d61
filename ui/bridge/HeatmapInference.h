#pragma once
#include <QImage>
#include <QObject>
#include <QString>
#include <QVector>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace fraui {

// Heatmaps of any images under a trained checkpoint (an opened image, downstream faces, a
// second checkpoint to compare), computed by the core on one worker thread; requests queue up
// and never block the caller.
class HeatmapInference : public QObject {
    Q_OBJECT
public:
    explicit HeatmapInference(QObject* parent = nullptr);
    ~HeatmapInference() override;

public slots:
    // images: square face crops (any size; centre-cropped to the model's resolution)
    void compute(const QString& checkpointOrRun, const QVector<QImage>& images, const QString& tag);

signals:
    // maps: images x regions x height x width floats
    void computed(const QString& tag, const QVector<float>& maps, int images, int regions, int height, int width, qint64 step);
    void failed(const QString& tag, const QString& message);

private:
    void work();
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace fraui
