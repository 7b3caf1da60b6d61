# Finds LibTorch (Debian's 1.13 on CPU machines, a 2.x from a Python install on GPU machines:
# pass -DCMAKE_PREFIX_PATH=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)'))
# and provides fra_torch_target(), which links LibTorch and shares one precompiled header.
find_package(Torch REQUIRED)
message(STATUS "LibTorch ${Torch_VERSION} from ${Torch_DIR}")

# Gloo: c10d's CPU process group (multi-process training). Debian's LibTorch has it but its
# headers come with libgloo-dev; pip's torch (the lent GPU machines) ships none: turn it off there.
option(FRA_WITH_GLOO "Multi-process CPU training through c10d's Gloo process group (Debian: libgloo-dev)" ON)
if(FRA_WITH_GLOO)
  find_path(FRA_GLOO_INCLUDE_DIR gloo/algorithm.h HINTS ${TORCH_INCLUDE_DIRS})
  if(NOT FRA_GLOO_INCLUDE_DIR)
    message(FATAL_ERROR "FRA_WITH_GLOO is ON but Gloo's headers (gloo/algorithm.h) were not found: "
                        "install the Debian package libgloo-dev, or configure with -DFRA_WITH_GLOO=OFF "
                        "(a build without multi-process CPU training).")
  endif()
  message(STATUS "Gloo process group: headers in ${FRA_GLOO_INCLUDE_DIR}")
else()
  message(STATUS "Gloo process group: off (FRA_WITH_GLOO=OFF): no multi-process CPU training")
endif()

# CUDA: Debian's LibTorch is CPU-only, so the Debian build's default is OFF; the GPU build
# (scripts/gpu-check.sh) turns it ON, which requires a LibTorch built with CUDA. With it OFF,
# run.device=cuda is refused with a message, even where the LibTorch could use a GPU.
option(FRA_WITH_CUDA "Training and evaluation on CUDA devices (a LibTorch built with CUDA, e.g. pip's torch)" OFF)
if(FRA_WITH_CUDA)
  if(NOT TARGET c10_cuda AND NOT C10_CUDA_LIBRARY AND NOT TORCH_CUDA_LIBRARIES)
    message(FATAL_ERROR "FRA_WITH_CUDA is ON but this LibTorch (${Torch_DIR}) has no CUDA (no c10_cuda): Debian's libtorch-dev is "
                        "CPU-only; point CMAKE_PREFIX_PATH at a CUDA LibTorch (python3 -c 'import torch;print(torch.utils.cmake_prefix_path)') "
                        "or configure with -DFRA_WITH_CUDA=OFF.")
  endif()
  message(STATUS "CUDA: on")
else()
  if(TARGET c10_cuda OR C10_CUDA_LIBRARY)
    message(WARNING "This LibTorch has CUDA but FRA_WITH_CUDA is OFF: run.device=cuda will be refused; configure with -DFRA_WITH_CUDA=ON to use it.")
  endif()
  message(STATUS "CUDA: off (FRA_WITH_CUDA=OFF): CPU training only")
endif()

# nvJPEG: JPEG prepared stores decoded on the GPU (data.jpeg_decoder). Part of the CUDA toolkit
# (and of Debian's non-free libnvjpeg11); point FRA_NVJPEG_INCLUDE_DIR / FRA_NVJPEG_LIBRARY at it
# when it is elsewhere. The CUDA runtime's headers come from the toolkit too.
option(FRA_WITH_NVJPEG "Decode JPEG prepared stores on the GPU with nvJPEG's batched decoder (needs FRA_WITH_CUDA)" OFF)
if(FRA_WITH_NVJPEG)
  if(NOT FRA_WITH_CUDA)
    message(FATAL_ERROR "FRA_WITH_NVJPEG needs FRA_WITH_CUDA=ON (nvJPEG decodes on the GPU).")
  endif()
  find_path(FRA_NVJPEG_INCLUDE_DIR nvjpeg.h HINTS ${CUDAToolkit_INCLUDE_DIRS} ${CUDA_INCLUDE_DIRS} /usr/local/cuda/include)
  find_library(FRA_NVJPEG_LIBRARY NAMES nvjpeg libnvjpeg.so.13 libnvjpeg.so.12 libnvjpeg.so.11
               HINTS ${CUDAToolkit_LIBRARY_DIR} /usr/local/cuda/lib64)
  find_path(FRA_CUDART_INCLUDE_DIR cuda_runtime_api.h HINTS ${CUDAToolkit_INCLUDE_DIRS} ${CUDA_INCLUDE_DIRS} /usr/local/cuda/include)
  if(NOT FRA_NVJPEG_INCLUDE_DIR OR NOT FRA_NVJPEG_LIBRARY OR NOT FRA_CUDART_INCLUDE_DIR)
    message(FATAL_ERROR "FRA_WITH_NVJPEG is ON but nvJPEG (nvjpeg.h, libnvjpeg.so) or the CUDA runtime headers were not found: "
                        "install the CUDA toolkit's nvJPEG (Debian non-free: libnvjpeg11 and nvidia-cuda-dev), set "
                        "FRA_NVJPEG_INCLUDE_DIR and FRA_NVJPEG_LIBRARY, or configure with -DFRA_WITH_NVJPEG=OFF (JPEG stores are "
                        "then decoded by libjpeg-turbo on the loader threads).")
  endif()
  message(STATUS "nvJPEG: ${FRA_NVJPEG_LIBRARY}")
else()
  message(STATUS "nvJPEG: off (FRA_WITH_NVJPEG=OFF): JPEG stores are decoded on CPU threads")
endif()

# NCCL: the GPU process group (c10d's ProcessGroupNCCL, in a CUDA LibTorch built with it; nccl.h
# from the CUDA install or pip's nvidia-nccl package, found through FRA_NCCL_INCLUDE_DIR).
option(FRA_WITH_NCCL "Multi-GPU training through c10d's NCCL process group (a CUDA LibTorch with NCCL; needs FRA_WITH_CUDA)" OFF)
if(FRA_WITH_NCCL)
  if(NOT FRA_WITH_CUDA)
    message(FATAL_ERROR "FRA_WITH_NCCL needs FRA_WITH_CUDA=ON (NCCL reduces CUDA tensors).")
  endif()
  find_path(FRA_NCCL_PG_HEADER_DIR torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp HINTS ${TORCH_INCLUDE_DIRS})
  find_path(FRA_NCCL_INCLUDE_DIR nccl.h HINTS ${TORCH_INCLUDE_DIRS} /usr/local/cuda/include)
  find_path(FRA_CUDART_INCLUDE_DIR cuda_runtime_api.h HINTS ${CUDAToolkit_INCLUDE_DIRS} ${CUDA_INCLUDE_DIRS} /usr/local/cuda/include)
  if(NOT FRA_NCCL_PG_HEADER_DIR OR NOT FRA_NCCL_INCLUDE_DIR OR NOT FRA_CUDART_INCLUDE_DIR)
    message(FATAL_ERROR "FRA_WITH_NCCL is ON but c10d's ProcessGroupNCCL.hpp (in this LibTorch), nccl.h or the CUDA runtime headers "
                        "were not found: set FRA_NCCL_INCLUDE_DIR to the folder holding nccl.h (pip: site-packages/nvidia/nccl/include), "
                        "or configure with -DFRA_WITH_NCCL=OFF (multi-process training then uses Gloo, CPU only).")
  endif()
  message(STATUS "NCCL process group: nccl.h in ${FRA_NCCL_INCLUDE_DIR}")
else()
  message(STATUS "NCCL process group: off (FRA_WITH_NCCL=OFF): multi-process training uses Gloo")
endif()

# TorchConfig puts its flags into TORCH_CXX_FLAGS (the C++11 ABI switch); targets get them as options.
separate_arguments(FRA_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")

set(FRA_TORCH_PCH_OWNER "" CACHE INTERNAL "Target whose precompiled LibTorch header the others reuse")

function(fra_torch_target target)
  target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES})
  target_compile_options(${target} PUBLIC ${FRA_TORCH_CXX_FLAGS})
  if(FRA_TORCH_PCH)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      # The shared header is compiled -fPIC (for the static libraries); an executable compiled
      # -fPIE could not use it, so its objects are built -fPIC too.
      set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
      target_compile_options(${target} PRIVATE -fPIC)
    endif()
    if(NOT FRA_TORCH_PCH_OWNER)
      target_precompile_headers(${target} PRIVATE <torch/torch.h>)
      set(FRA_TORCH_PCH_OWNER ${target} CACHE INTERNAL "")
    else()
      target_precompile_headers(${target} REUSE_FROM ${FRA_TORCH_PCH_OWNER})
    endif()
  endif()
endfunction()
