#pragma once
#include <QImage>
#include <QVector>
#include <QWidget>

class QLabel;
class QGridLayout;

namespace fraui {

enum class HeatmapMode { Overlay, Argmax, Panels };

// One view of K facial-region heatmaps over a set of faces: a run's probe faces at one of its
// snapshots, or any images with maps computed from a checkpoint.
class HeatmapPane : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapPane(QWidget* parent = nullptr);

    // A run's probe faces and snapshots (heatmaps/index.jsonl); shows the newest snapshot.
    void setRun(const QString& runPath);
    QString run() const { return run_; }
    void reloadSnapshots();
    const QVector<qint64>& steps() const { return steps_; }
    void showStep(qint64 step);          // the newest snapshot at or before `step`
    qint64 currentStep() const { return step_; }

    // Maps computed elsewhere (inference): n images x k x h x w
    void showMaps(const QVector<QImage>& images, const QVector<float>& maps, int n, int k, int h, int w, const QString& caption);

    void setOpacity(double opacity);
    // Display-only contrast: each pixel's region weights raised to `power` and renormalised
    // (a softmax at temperature t_h / power), to see differences in nearly uniform maps.
    void setContrast(double power);
    void setMode(HeatmapMode mode);
    void setVisibleRegions(const QVector<bool>& visible);
    int regions() const { return k_; }
    const QVector<QImage>& faces() const { return faces_; }
    QImage renderFace(int index) const { return renderFace(index, tileSide_); }  // what is displayed for face `index`
    QImage renderFace(int index, int side) const;
    QImage renderFace(int index, int side, HeatmapMode mode) const;
    int tileSide() const { return tileSide_; }  // follows the space the pane has
    // One face enlarged with one panel per region (what a double-click on a face opens).
    void showEnlarged(int index);
    QString caption() const;

protected:
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void regionsChanged(int regions);
    void captionChanged(const QString& caption);

private:
    void render();
    // face `index` rendered at `side` logical pixels times the screen's device pixel ratio
    QPixmap sharpPixmap(int index, int side, HeatmapMode mode) const;
    int fittingTileSide() const;
    void refit();
    void updateLegend();
    QString run_;
    QVector<QImage> faces_;
    QVector<qint64> steps_;
    QVector<QString> files_;
    QVector<float> maps_;
    int n_ = 0, k_ = 0, h_ = 0, w_ = 0;
    qint64 step_ = -1;
    QString caption_;
    double opacity_ = 0.55;
    double contrast_ = 1.0;
    HeatmapMode mode_ = HeatmapMode::Overlay;
    QVector<bool> visible_;
    QGridLayout* grid_;
    QLabel* title_;
    QVector<QLabel*> tiles_;
    QWidget* legend_;  // the argmax view's region colours
    int tileSide_ = 160;
    bool watchingParent_ = false;
};

}  // namespace fraui
