#include "model/CrossRankOps.h"

namespace fra {

const CrossRankOps& CrossRankOps::singleProcess() {
    static const CrossRankOps identity;
    return identity;
}

}  // namespace fra
