"""Hardware extraction: named devices, generic devices with counts, compute amounts, negatives."""

import pytest
import spacy

from kg.extract.base import mentions
from kg.extract.hardware import _GENERIC, _folded, _lexicon, _may_name_device, find_hardware, parse_number

# (sentence, expected [(canonical, count, amount, amount_unit), ...]) -- most from real abstracts
POSITIVE = [
    ("4.96x and 5.75x speedup of a single MoE layer over 16 and 2,048 A100 GPUs, respectively",
     [("A100", 16, None, None), ("A100", 2048, None, None)]),
    ("Notably, the training of InstaFlow only costs 199 A100 GPU days.", [("A100", None, 199.0, "GPU days")]),
    ("utilizing nearly one million NVIDIA H800 GPU hours to train 3,700 LLMs",
     [("H800", None, 1e6, "GPU hours")]),
    ("Experimental results on an NVIDIA A100 GPU with variable-length sequence inputs", [("A100", 1, None, None)]),
    ("a trillion-parameter model at 502 petaFLOP/s on 3072 GPUs with achieved per-GPU throughput",
     [("GPU", 3072, None, None)]),
    ("we achieve an error rate of 2.57% on CIFAR10 with merely 0.1 GPU-days for architecture search",
     [("GPU", None, 0.1, "GPU days")]),
    ("the computational demand of conventional NAS algorithms (e.g. 10^4 GPU hours)",
     [("GPU", None, 1e4, "GPU hours")]),
    ("the computational demand of conventional NAS algorithms (e.g. 10 4 GPU hours)",
     [("GPU", None, 1e4, "GPU hours")]),
    ("Training takes 1,000 GPU hours.", [("GPU", None, 1000.0, "GPU hours")]),
    ("We train with 8x A100 GPUs.", [("A100", 8, None, None)]),
    ("We train with 8×V100 and evaluate on CPU.", [("V100", 8, None, None)]),
    ("The model was trained on eight V100 GPUs for 3 days.", [("V100", 8, None, None)]),
    ("The model was trained for 3 days on 8 V100s.", [("V100", 8, None, None)]),
    ("We pre-train on 64 TPU v4 chips.", [("TPU v4", 64, None, None)]),
    ("Pre-training runs on a TPU v3-512 pod slice.", [("TPU v3", 512, None, None)]),
    ("Fine-tuning fits on a v3-8 pod.", [("TPU v3", 8, None, None)]),
    ("All models were trained on Cloud TPU v3-8 devices.", [("TPU v3", 8, None, None)]),
    ("With ten days of training from scratch on 800 Cloud TPUs, Minigo can play evenly",
     [("TPU", 800, None, None)]),
    ("using 32 nodes with 8 GPUs per node to train ResNet-50 on ImageNet", [("GPU", 8, None, None)]),
    ("Inference runs at 30 fps on a single RTX4090.", [("RTX 4090", 1, None, None)]),
    ("achieve up-to 91.07fps on one RTX4090", [("RTX 4090", 1, None, None)]),
    ("measured on an NVIDIA GeForce RTX 4090", [("RTX 4090", 1, None, None)]),
    ("We compare TPUv4 against TPU-v4 pods", [("TPU v4", None, None, None), ("TPU v4", None, None, None)]),
    ("Each node has A100-80GB GPUs.", [("A100", None, None, None)]),
    ("on a Tesla V100 with 16GB memory", [("V100", 1, None, None)]),
    ("Latency is measured on an NVIDIA T4 GPU.", [("T4", 1, None, None)]),
    ("in only 12 hours on a single GPU", [("GPU", 1, None, None)]),
    ("a single GPU with flipout can handle the same throughput as at least 40 CPU cores",
     [("GPU", 1, None, None), ("CPU", 40, None, None)]),
    ("on CIFAR-10 within only one week on eight GPUs", [("GPU", 8, None, None)]),
    ("in PyTorch on 2 GPUs using ResNet, achieving speedups of up to 1.8X over a 1-GPU baseline",
     [("GPU", 2, None, None), ("GPU", 1, None, None)]),
    ("Each 8-GPU server is connected by InfiniBand.", [("GPU", 8, None, None)]),
    ("We scale from 8 to 64 GPUs.", [("GPU", 8, None, None), ("GPU", 64, None, None)]),
    ("It runs on a MacBook with an Apple M1 chip.", [("M1", 1, None, None)]),
    ("Our detector reaches 25 fps on Jetson Nano.", [("Jetson", None, None, None)]),
    ("We benchmark on AMD MI250X GPUs and MI300X accelerators.",
     [("MI250", None, None, None), ("MI300X", None, None, None)]),
    ("training on 4 Gaudi2 accelerators", [("Gaudi2", 4, None, None)]),
    ("PaLM was trained on 6144 TPU v4 chips.", [("TPU v4", 6144, None, None)]),
    ("fits on a single A100", [("A100", 1, None, None)]),
    ("400,000 features on a single Titan X GPU (12GB)", [("GTX Titan X", 1, None, None)]),
    ("sixty-four TPU v3 cores", [("TPU v3", 64, None, None)]),
    ("twelve NVIDIA RTX 3090 GPUs", [("RTX 3090", 12, None, None)]),
    ("on 4 GeForce GTX 1080 Ti GPUs", [("GTX 1080 Ti", 4, None, None)]),
    ("on two RTX 2080 Ti cards", [("RTX 2080 Ti", 2, None, None)]),
    ("The search took 4 V100 GPU days.", [("V100", None, 4.0, "GPU days")]),
    ("about 250 TPU v3 days of compute", [("TPU v3", None, 250.0, "TPU days")]),
    ("benchmarked on H100 and L40S GPUs", [("H100", None, None, None), ("L40S", None, None, None)]),
    ("deployed on NVIDIA L4 GPUs in the cloud", [("L4", None, None, None)]),
    ("an AWS A10G instance", [("A10G", None, None, None)]),  # count of machines, not devices
    ("We use 16 NVIDIA GPUs.", [("GPU", 16, None, None)]),
    # from SciREX full papers (experimental sections)
    ("We make experiments using two PCs each with a 4-core CPU, 32 G RAM and two Titan Xp GPUs.",
     [("Titan Xp", 2, None, None)]),
    ("over a cluster of NVIDIA Titan X, Tesla K40c and GTX 1080 GPUs",
     [("GTX Titan X", None, None, None), ("K40", None, None, None), ("GTX 1080", None, None, None)]),
    ("We implement the DPNs using MXNet on a cluster with 40 K80 graphic cards.", [("K80", 40, None, None)]),
    # hyphenated counts: number words and "single" too; the count is of GPUs whatever noun follows
    ("speed with both one-GPU and two-GPU configurations", [("GPU", 1, None, None), ("GPU", 2, None, None)]),
    ("Gorila DQN outperformed single-GPU DQN on 41 games", [("GPU", 1, None, None)]),
    ("takes 32 hours in our synchronized 8-GPU implementation", [("GPU", 8, None, None)]),
    # the article right before a generic device the work runs on: one device
    ("Our models can run at about 200ms per frame on a GPU.", [("GPU", 1, None, None)]),
    ("training takes less than 2 minutes on a CPU of a desktop PC", [("CPU", 1, None, None)]),
    ("Latency is measured using an NVIDIA GPU.", [("GPU", 1, None, None)]),
    ("it takes a second to process an image on a GPU Titan X", [("GTX Titan X", 1, None, None)]),
    # model numbers written with a hyphen after the letters; older GeForce cards
    ("training a JFT model for 4 epochs needed 2 months on 50 K-80 GPUs", [("K80", 50, None, None)]),
    ("able to train within 17 minutes by using a single Nvidia P-100 GPU", [("P100", 1, None, None)]),
    ("13,038 tokens / second on a GTX 970 GPU", [("GTX 970", 1, None, None)]),
    ("the time to extract features from each face with a single Titan GPU", [("GTX Titan", 1, None, None)]),
    ("trained on an NVIDIA GTX Titan and a GTX Titan X",
     [("GTX Titan", 1, None, None), ("GTX Titan X", 1, None, None)]),
    ("benchmarked on L40S GPUs", [("L40S", None, None, None)]),
    # CPUs: "CPU" after a name, Intel Core model numbers, the device count before a core count
    ("We test an image of size 160x240 on an i7-2600 CPU.", [("Core i7", 1, None, None)]),
    ("tested using an Intel (R) i7-4820", [("Core i7", 1, None, None)]),
    ("i7-4820", [("Core i7", None, None, None)]),
    ("Runtimes were measured on a 12-core Intel Xeon E5-2620v3 CPU clocked at 2.4GHz",
     [("Xeon", 1, None, None)]),
    ("a server with two 8-core Xeon CPUs", [("Xeon", 2, None, None)]),
    ("two PCs each equipped with a 4-core Intel i7-4790k@4.0GHz CPU", [("Core i7", 1, None, None)]),
    # a Xeon model number alone (SciREX splits "Intel (R) Xeon (R) CPU E5-2640" at "(R)")
    ("CPU E5-2640 v3 @ 2.60GHz, 132 GB RAM.", [("Xeon", None, None, None)]),
    ("tested using an Intel (R) Xeon (R) CPU E5-2640 v3 @ 2.60GHz", [("Xeon", 1, None, None)]),
    ("on two E5-2680v4 CPUs", [("Xeon", 2, None, None)]),
    # a plural noun after one device is a verb
    ("our implementation on a single GPU processes 1,700 words per second", [("GPU", 1, None, None)]),
]

NEGATIVE = [
    "Superpipeline reduces GPU memory usage by up to 60%.",
    "The LSTM memory cell stores long-range context.",
    "We study neural machine translation on WMT14.",
    "The T4 template and the T5 model are strong baselines.",
    "Models such as XA100 and A100x are fictional tokens; TPUT is not a TPU.",
    "We evaluate on two GPU clusters.",
    "It is commonly used in multi-GPU training.",
    "models can be partitioned across multiple GPUs or TPUs",
    "being 2.26x faster than the baseline on CPU (GPU) at inference time",
    "the method requires 16 GB of GPU memory",
    "far from real-time even on a GPU, which is not power efficient",
    "as well as with a GPU-enabled mode",
    "we reduce up to 67% cross-GPU routing latency",
    "We report the M1 and M2 metrics on the L4 split.",
    "The Neural GPU (Kaiser & Sutskever, 2016) learns algorithms.",
    "GNNPipe partitions GNN layers among GPUs, each device performs the computation",
    "scaling issues at thousands of GPUs",
    "Extensive experiments on various hardware platforms (CPU, GPU, mCPU, mGPU, FPGA accelerator)",
    "a TPU-friendly design with GPU-accelerated simulation",
    "trained with 7B parameters on 2 trillion tokens",
    "Table 4 shows results for ResNet-50 and A10 is the baseline id.",
    "assigning computation on each probing point to one GPU thread",
    "These numbers are reported using a single CPU thread.",
    "We use 2 GPU implementations of the kernel.",
    "a-GPU is not a count",
    "A3C is an on-policy algorithm, and does not use a GPU nor a replay buffer.",
    "it takes several seconds even a GPU is used",
    "It can be trained without a GPU.",
    "We provide a GPU implementation of the layer.",
    "The search runs on a GPU cluster.",
    "a CPU time of 3 s per image",
    "Every year we get more computational power (a newer and faster GPU).",
    "Saturn's moon Titan has lakes.",
    "Split i7-12 of the corpus and the M1-2023 release.",
    "We run 8 GPU processes and one GPU process for logging.",
    "system constraints differ significantly between, say, a GPU and a mobile phone",
    "on common hardware (e.g., a GPU) the kernels are fast",
    "Table E5-2 and the TE5-2640 and E5-20 identifiers",
]


def _key(m):
    return (m.name, m.attrs["count"], m.attrs["amount"], m.attrs["amount_unit"])


@pytest.mark.parametrize("sentence,expected", POSITIVE)
def test_positive(sentence, expected):
    got = [_key(m) for m in find_hardware(sentence)]
    assert got == expected


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_negative(sentence):
    assert find_hardware(sentence) == []


def test_precision_recall_over_suite():
    tp = fp = fn = 0
    for sentence, expected in POSITIVE + [(s, []) for s in NEGATIVE]:
        got = [_key(m) for m in find_hardware(sentence)]
        exp = list(expected)
        for g in got:
            if g in exp:
                exp.remove(g)
                tp += 1
            else:
                fp += 1
        fn += len(exp)
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9


def test_offsets_vendor_and_unit():
    text = "Training used 2,048 NVIDIA A100-80GB GPUs for a week."
    (m,) = find_hardware(text)
    assert text[m.start:m.end] == m.text == "2,048 NVIDIA A100-80GB GPUs"
    assert m.type == "Hardware" and m.component == "kg_hardware"
    assert m.attrs["vendor"] == "NVIDIA" and m.attrs["count"] == 2048


def test_tpu_slice_counts_cores():
    (m,) = find_hardware("on a TPU v3-512 pod")
    assert m.attrs["count_unit"] == "cores"


@pytest.mark.parametrize("s,v", [("2,048", 2048), ("eight", 8), ("sixty-four", 64), ("10^4", 1e4),
                                 ("one million", 1e6), ("3.8", 3.8), ("twenty", 20), ("1.5k", 1500)])
def test_parse_number(s, v):
    assert parse_number(s) == v


def test_component_appends_mentions():
    import kg.extract.hardware  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_hardware")
    doc = nlp("We train on 8 V100 GPUs. GPU memory usage drops by 60%.")
    ms = mentions(doc)
    assert [(m.name, m.attrs["count"]) for m in ms] == [("V100", 8)]


def test_ascii_fold_is_complete():
    """_folded's table lists every non-ASCII character that re.IGNORECASE matches to an ASCII letter."""
    import re
    import sys

    every = "".join(map(chr, range(128, sys.maxunicode + 1)))
    assert sorted(re.findall("[a-z]", every, re.IGNORECASE)) == sorted("\u0130\u0131\u017f\u212a")


@pytest.mark.parametrize("text", [
    "We train on 8 NVIDIA A100-80GB GPUs.", "a GeForce RTX4090 card", "Coral Edge TPU", "tpu V4-128",
    "on a ſnapdragon 888", "Xeon Gold with 64 CPU cores", "core \u0131 7 and core \u01307", "8 \u212a80 GPUs",
    "Ascend910B chips", "a Raspberry-Pi 4", "cpu time", "Trainium2", "50 K-80 GPUs", "a P-100 card",
])
def test_prescreens_never_skip_a_match(text):
    """The cheap pre-screens are supersets of the regexes they guard."""
    rx, _, screen = _lexicon()
    low = _folded(text)
    assert _may_name_device(low, screen) or not rx.search(text)
    assert "pu" in low or not _GENERIC.search(text)
