"""The risk-language screen: its rules, context and negation, a custom phrase list, and its
precision and recall on the development set and the labelled examples."""

import csv
import json
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from facilitator.extensions import db
from facilitator.safety import model_training
from facilitator.safety import services as safety_services
from facilitator.safety.model_training import LIST_TUNED_ON
from facilitator.safety.screening import (
    CATEGORIES,
    DEFAULT_PHRASES_FILE,
    LOWER,
    URGENT,
    ScreenResult,
    load_phrase_list,
    screen_text,
)
from facilitator.safety.second_opinion import load_model, screen_with_second_opinion

from ..conftest import ROOT, LiveServer

EXAMPLES_FILE = Path(__file__).with_name("risk_examples.csv")
DEV_FILE = Path(__file__).with_name("risk_dev.csv")

# ------------------------------------------------------------------------------------------
# HELD-OUT SETS: each written by someone who never saw the phrase list, the model or the other
# files. Never tune the screen to a fresh one, never edit any (docs/safety.md). Once scored and
# read, a set is spent: the model learns from the spent sets, 2 to 20 since held-out 21, 2 to 25
# since held-out 26, 2 to 28 since held-out 30, 2 to 36 with the first three five-language
# everyday sets since held-out 37, and 2 to 41 with the first eight since held-out 42
# (facilitator/safety/model_training.py), so their floors guard the phrase list and no longer
# measure the model; held-out 1, held-outs 42 to 54, the English everyday sets and the ninth to
# twenty-first five-language ones stay out of its training.
# risk_heldout.csv: scored before and after the list was rebuilt; its misses were then read, so
# it no longer measures the list honestly, only the model, which never saw it.
# risk_heldout_2.csv: scored with the list alone, then with the whole screen (the list and its
# second opinion) as it was rebuilt; docs/safety.md tells each figure. The issue's target:
# recall 0.95 at precision 0.85. risk_heldout_3.csv: scored once, by a rule written before
# (docs/safety.md), which made 0.6 the threshold; its misses then weighed batches X to Z.
# risk_heldout_4.csv: scored once, by a rule written before, which shipped the model trained on
# A to Z. risk_heldout_5.csv: scored once, by a rule written before, which shipped the model
# trained on A to AA. risk_heldout_6.csv: scored once, by a rule written before, which kept it.
# risk_heldout_everyday.csv: ordinary notes, wins and messages.
HELDOUT = Path(__file__).with_name("risk_heldout.csv")
HELDOUT_2 = Path(__file__).with_name("risk_heldout_2.csv")
HELDOUT_3 = Path(__file__).with_name("risk_heldout_3.csv")
HELDOUT_4 = Path(__file__).with_name("risk_heldout_4.csv")
HELDOUT_5 = Path(__file__).with_name("risk_heldout_5.csv")
HELDOUT_6 = Path(__file__).with_name("risk_heldout_6.csv")
HELDOUT_7 = Path(__file__).with_name("risk_heldout_7.csv")
HELDOUT_8 = Path(__file__).with_name("risk_heldout_8.csv")
HELDOUT_9 = Path(__file__).with_name("risk_heldout_9.csv")
HELDOUT_10 = Path(__file__).with_name("risk_heldout_10.csv")
HELDOUT_11 = Path(__file__).with_name("risk_heldout_11.csv")
HELDOUT_12 = Path(__file__).with_name("risk_heldout_12.csv")
HELDOUT_13 = Path(__file__).with_name("risk_heldout_13.csv")
HELDOUT_14 = Path(__file__).with_name("risk_heldout_14.csv")
HELDOUT_15 = Path(__file__).with_name("risk_heldout_15.csv")
HELDOUT_16 = Path(__file__).with_name("risk_heldout_16.csv")
HELDOUT_17 = Path(__file__).with_name("risk_heldout_17.csv")
HELDOUT_18 = Path(__file__).with_name("risk_heldout_18.csv")
HELDOUT_19 = Path(__file__).with_name("risk_heldout_19.csv")
HELDOUT_20 = Path(__file__).with_name("risk_heldout_20.csv")
HELDOUT_21 = Path(__file__).with_name("risk_heldout_21.csv")
HELDOUT_22 = Path(__file__).with_name("risk_heldout_22.csv")
HELDOUT_23 = Path(__file__).with_name("risk_heldout_23.csv")
HELDOUT_24 = Path(__file__).with_name("risk_heldout_24.csv")
HELDOUT_25 = Path(__file__).with_name("risk_heldout_25.csv")
HELDOUT_26 = Path(__file__).with_name("risk_heldout_26.csv")
HELDOUT_27 = Path(__file__).with_name("risk_heldout_27.csv")
HELDOUT_28 = Path(__file__).with_name("risk_heldout_28.csv")
HELDOUT_29 = Path(__file__).with_name("risk_heldout_29.csv")
HELDOUT_30 = Path(__file__).with_name("risk_heldout_30.csv")
HELDOUT_31 = Path(__file__).with_name("risk_heldout_31.csv")
HELDOUT_32 = Path(__file__).with_name("risk_heldout_32.csv")
HELDOUT_33 = Path(__file__).with_name("risk_heldout_33.csv")
HELDOUT_34 = Path(__file__).with_name("risk_heldout_34.csv")
HELDOUT_35 = Path(__file__).with_name("risk_heldout_35.csv")
HELDOUT_36 = Path(__file__).with_name("risk_heldout_36.csv")
HELDOUT_37 = Path(__file__).with_name("risk_heldout_37.csv")
HELDOUT_38 = Path(__file__).with_name("risk_heldout_38.csv")
HELDOUT_39 = Path(__file__).with_name("risk_heldout_39.csv")
HELDOUT_40 = Path(__file__).with_name("risk_heldout_40.csv")
HELDOUT_41 = Path(__file__).with_name("risk_heldout_41.csv")
HELDOUT_42 = Path(__file__).with_name("risk_heldout_42.csv")
HELDOUT_43 = Path(__file__).with_name("risk_heldout_43.csv")
HELDOUT_44 = Path(__file__).with_name("risk_heldout_44.csv")
HELDOUT_45 = Path(__file__).with_name("risk_heldout_45.csv")
HELDOUT_46 = Path(__file__).with_name("risk_heldout_46.csv")
HELDOUT_47 = Path(__file__).with_name("risk_heldout_47.csv")
HELDOUT_48 = Path(__file__).with_name("risk_heldout_48.csv")
HELDOUT_49 = Path(__file__).with_name("risk_heldout_49.csv")
HELDOUT_50 = Path(__file__).with_name("risk_heldout_50.csv")
HELDOUT_51 = Path(__file__).with_name("risk_heldout_51.csv")
HELDOUT_52 = Path(__file__).with_name("risk_heldout_52.csv")
HELDOUT_53 = Path(__file__).with_name("risk_heldout_53.csv")
HELDOUT_54 = Path(__file__).with_name("risk_heldout_54.csv")
HELDOUT_55 = Path(__file__).with_name("risk_heldout_55.csv")
HELDOUT_56 = Path(__file__).with_name("risk_heldout_56.csv")
HELDOUT_57 = Path(__file__).with_name("risk_heldout_57.csv")
HELDOUT_58 = Path(__file__).with_name("risk_heldout_58.csv")
HELDOUT_59 = Path(__file__).with_name("risk_heldout_59.csv")
HELDOUT_60 = Path(__file__).with_name("risk_heldout_60.csv")
HELDOUT_61 = Path(__file__).with_name("risk_heldout_61.csv")
HELDOUT_62 = Path(__file__).with_name("risk_heldout_62.csv")
HELDOUT_63 = Path(__file__).with_name("risk_heldout_63.csv")
HELDOUT_64 = Path(__file__).with_name("risk_heldout_64.csv")
HELDOUT_65 = Path(__file__).with_name("risk_heldout_65.csv")
HELDOUT_66 = Path(__file__).with_name("risk_heldout_66.csv")
HELDOUT_67 = Path(__file__).with_name("risk_heldout_67.csv")
HELDOUT_68 = Path(__file__).with_name("risk_heldout_68.csv")
HELDOUT_69 = Path(__file__).with_name("risk_heldout_69.csv")
HELDOUT_70 = Path(__file__).with_name("risk_heldout_70.csv")
HELDOUT_71 = Path(__file__).with_name("risk_heldout_71.csv")
HELDOUT_EVERYDAY = Path(__file__).with_name("risk_heldout_everyday.csv")
# Ordinary notes, wins and messages in Dutch, German, French, Italian and Portuguese, the languages
# of development batch AE, written blind after held-out 33 (docs/safety.md).
HELDOUT_EVERYDAY_AE = (
    Path(__file__).with_name("risk_heldout_everyday_ae.csv"),
    Path(__file__).with_name("risk_heldout_everyday_ae_2.csv"),  # written after held-out 34
    Path(__file__).with_name("risk_heldout_everyday_ae_3.csv"),  # written after held-out 35
    Path(__file__).with_name("risk_heldout_everyday_ae_4.csv"),  # written after held-out 36
    Path(__file__).with_name("risk_heldout_everyday_ae_5.csv"),  # written after held-out 37
    Path(__file__).with_name("risk_heldout_everyday_ae_6.csv"),  # written after held-out 38
    Path(__file__).with_name("risk_heldout_everyday_ae_7.csv"),  # written after held-out 39
    Path(__file__).with_name("risk_heldout_everyday_ae_8.csv"),  # written after held-out 40
    Path(__file__).with_name("risk_heldout_everyday_ae_9.csv"),  # written after held-out 41
    Path(__file__).with_name("risk_heldout_everyday_ae_10.csv"),  # written after held-out 42
    Path(__file__).with_name("risk_heldout_everyday_ae_11.csv"),  # written after held-out 43
    Path(__file__).with_name("risk_heldout_everyday_ae_12.csv"),  # written after held-out 44
    Path(__file__).with_name("risk_heldout_everyday_ae_13.csv"),  # written after held-out 45
    Path(__file__).with_name("risk_heldout_everyday_ae_14.csv"),  # written after held-out 46
    Path(__file__).with_name("risk_heldout_everyday_ae_15.csv"),  # written after held-out 47
    Path(__file__).with_name("risk_heldout_everyday_ae_16.csv"),  # written after held-out 48
    Path(__file__).with_name("risk_heldout_everyday_ae_17.csv"),  # written after held-out 49
    Path(__file__).with_name("risk_heldout_everyday_ae_18.csv"),  # written after held-out 50
    Path(__file__).with_name("risk_heldout_everyday_ae_19.csv"),  # written after held-out 51
    Path(__file__).with_name("risk_heldout_everyday_ae_20.csv"),  # written after held-out 52
    Path(__file__).with_name("risk_heldout_everyday_ae_21.csv"),  # written after held-out 53
    Path(__file__).with_name("risk_heldout_everyday_ae_22.csv"),  # written after held-out 54
    Path(__file__).with_name("risk_heldout_everyday_ae_23.csv"),  # written after held-out 55
    Path(__file__).with_name("risk_heldout_everyday_ae_24.csv"),  # written after held-out 56
    Path(__file__).with_name("risk_heldout_everyday_ae_25.csv"),  # written after held-out 57
    Path(__file__).with_name("risk_heldout_everyday_ae_26.csv"),  # written after held-out 58
    Path(__file__).with_name("risk_heldout_everyday_ae_27.csv"),  # written after held-out 59
    Path(__file__).with_name("risk_heldout_everyday_ae_28.csv"),  # written after held-out 60
    Path(__file__).with_name("risk_heldout_everyday_ae_29.csv"),  # written after held-out 61
    Path(__file__).with_name("risk_heldout_everyday_ae_30.csv"),  # written after held-out 62
    Path(__file__).with_name("risk_heldout_everyday_ae_31.csv"),  # written after held-out 63, in dialects
    Path(__file__).with_name("risk_heldout_everyday_ae_32.csv"),  # written after held-out 64, in dialects
    Path(__file__).with_name("risk_heldout_everyday_ae_33.csv"),  # written after held-out 65, in dialects
    Path(__file__).with_name("risk_heldout_everyday_ae_34.csv"),  # written after held-out 66, in dialects
    Path(__file__).with_name("risk_heldout_everyday_ae_35.csv"),  # written after held-out 67, in dialects
    Path(__file__).with_name("risk_heldout_everyday_ae_36.csv"),  # written after held-out 68, in dialects
    Path(__file__).with_name("risk_heldout_everyday_ae_37.csv"),  # after held-out 69, in street varieties
    Path(__file__).with_name("risk_heldout_everyday_ae_38.csv"),  # after held-out 70, in street varieties
)
# More ordinary texts in English, written after held-outs 36 to 70.
HELDOUT_EVERYDAY_LATER = tuple(
    Path(__file__).with_name(f"risk_heldout_everyday_{n}.csv") for n in range(2, 37)
)
HELDOUT_FLOORS = {  # (recall, precision): the shipped screen's figures, rounded down (docs/safety.md)
    HELDOUT: (0.98, 0.92),
    HELDOUT_2: (0.97, 0.92),
    HELDOUT_3: (0.97, 0.94),
    HELDOUT_4: (0.97, 0.94),
    HELDOUT_5: (0.98, 0.93),
    HELDOUT_6: (0.97, 0.92),
    HELDOUT_7: (0.98, 0.92),  # its misses were read to build the list shipped after it
    HELDOUT_8: (0.98, 0.93),  # precision 0.946, then 0.932 with the context threshold
    HELDOUT_9: (0.95, 0.92),
    HELDOUT_10: (0.97, 0.91),
    HELDOUT_11: (0.99, 0.95),  # fresh: 0.953 / 0.910
    HELDOUT_12: (0.96, 0.89),  # fresh: 0.936 / 0.901; 0.8995 after held-out 19's retrain
    HELDOUT_13: (0.95, 0.92),  # fresh: 0.869 / 0.926; recall 0.961, then 0.958 after held-out 19's retrain
    HELDOUT_14: (0.92, 0.86),  # fresh, mostly not English: 0.883 / 0.878; 0.925 / 0.865 now
    HELDOUT_15: (0.97, 0.90),  # fresh: 0.975 / 0.886; the list then widened from its false flags
    HELDOUT_16: (0.98, 0.90),  # fresh: 0.964 / 0.906; precision 0.913, then 0.906 after held-out 19's retrain
    HELDOUT_17: (0.95, 0.92),  # fresh: 0.958 / 0.918
    HELDOUT_18: (0.98, 0.93),  # fresh: 0.983 / 0.939
    HELDOUT_19: (0.96, 0.93),  # fresh: 0.961 / 0.933; unchanged by the retrain for its one shared text
    HELDOUT_20: (0.96, 0.92),  # fresh: 0.967 / 0.921
    HELDOUT_21: (0.96, 0.94),  # fresh: 0.969 / 0.943, the model trained on held-outs 2 to 20 at 0.65
    HELDOUT_22: (0.96, 0.91),  # fresh: 0.961 / 0.915; 0.964 / 0.918, then 0.961 / 0.915 (dev texts removed)
    HELDOUT_23: (0.95, 0.96),  # fresh: 0.950 / 0.963; 0.958 / 0.961 without its 3 texts in the dev set
    HELDOUT_24: (0.97, 0.94),  # fresh: 0.964 / 0.946; 0.975 / 0.946 after the list widened from it
    HELDOUT_25: (0.94, 0.95),  # fresh: 0.947 / 0.958, short of the recall target; trained on since 26
    HELDOUT_26: (0.95, 0.93),  # fresh: 0.950 / 0.937, the model trained also on held-outs 21 to 25
    HELDOUT_27: (0.94, 0.93),  # fresh: 0.947 / 0.929, then 0.947 / 0.932 (its dev text removed)
    HELDOUT_28: (0.96, 0.94),  # fresh: 0.964 / 0.943
    HELDOUT_29: (0.99, 0.95),  # fresh: 0.961 / 0.953; 0.992 / 0.957 after the list widened from it
    HELDOUT_30: (0.99, 0.95),  # fresh: 0.958 / 0.958; 0.994 / 0.960 after the widening and batch AE
    HELDOUT_31: (0.99, 0.94),  # fresh: 0.956 / 0.945; 0.997 / 0.950 after the widening and batch AE
    HELDOUT_32: (0.98, 0.93),  # fresh: 0.933 / 0.936, short of the recall target; 0.989 / 0.939 after
    HELDOUT_33: (0.92, 0.93),  # fresh: 0.875 / 0.935, then 0.925 / 0.935 with batch AE: short of the target
    HELDOUT_34: (0.93, 0.94),  # fresh: 0.933 / 0.941, short of the recall target
    HELDOUT_35: (0.95, 0.93),  # fresh: 0.958 / 0.940; 0.956 / 0.9399 without the measuring sets' texts
    HELDOUT_36: (0.94, 0.93),  # fresh: 0.950 / 0.934; 0.947 / 0.934 without the measuring sets' texts
    HELDOUT_37: (0.93, 0.94),  # fresh: 0.911 / 0.932; 0.936 / 0.944 with the model trained on 29 to 36
    HELDOUT_38: (0.94, 0.93),  # fresh: 0.947 / 0.939, short of the recall target
    HELDOUT_39: (0.95, 0.93),  # fresh: 0.958 / 0.935
    HELDOUT_40: (0.95, 0.91),  # fresh: 0.956 / 0.9198
    HELDOUT_41: (0.93, 0.95),  # fresh: 0.939 / 0.952, short of the recall target
    HELDOUT_42: (0.96, 0.94),  # fresh: 0.969 / 0.938; 0.981 / 0.944 with the model trained on 37 to 41,
    # then 0.975 / 0.949, 0.969 / 0.948, 0.983 / 0.947 and 0.975 / 0.949 with it retrained without
    # the texts it shared with the sets written after (held-outs 43 to 46 and their everyday sets)
    # 0.93 between held-outs 56 and 57 (an exception 56's plan allowed), 0.948 again after 57's retrain
    HELDOUT_43: (0.96, 0.94),  # fresh: 0.967 / 0.948; 0.933 to 0.943 after the retrains; 0.935 with batch AK
    HELDOUT_44: (0.96, 0.93),  # fresh: 0.961 / 0.935; 0.9305 to 0.933 after the retrains, 0.931 at 47
    HELDOUT_45: (0.95, 0.95),  # fresh: 0.958 / 0.961; 0.956 / 0.958, then 0.967 / 0.961 (widened from it)
    HELDOUT_46: (0.95, 0.96),  # fresh: 0.961 / 0.972; 0.967 / 0.969, then 0.958 / 0.972 after the retrains
    HELDOUT_47: (0.96, 0.95),  # fresh: 0.967 / 0.951; 0.978 / 0.949 after 49's retrain, 0.975 / 0.959 at 50
    HELDOUT_48: (0.94, 0.95),  # fresh: 0.944 / 0.958, short of the recall target
    HELDOUT_49: (0.93, 0.93),  # fresh: 0.939 / 0.939, short of the recall target; 0.967 / 0.975 widened
    HELDOUT_50: (0.95, 0.95),  # fresh: 0.953 / 0.953; 0.947 / 0.953 at 51, 0.975 / 0.975 with batch AJ
    HELDOUT_51: (0.98, 0.95),  # fresh: 0.983 / 0.952
    HELDOUT_52: (0.96, 0.94),  # fresh: 0.964 / 0.943
    HELDOUT_53: (0.97, 0.94),  # fresh: 0.975 / 0.944, the model trained also on batch AJ
    HELDOUT_54: (0.97, 0.95),  # fresh: 0.972 / 0.954, with the phrases in five languages
    HELDOUT_55: (0.98, 0.92),  # fresh: 0.986 / 0.927 (its retrain broke the guard; docs/safety.md)
    HELDOUT_56: (0.97, 0.95),  # fresh: 0.978 / 0.957, the model trained also on batch AK
    HELDOUT_57: (0.96, 0.95),  # fresh: 0.967 / 0.956
    HELDOUT_58: (0.97, 0.94),  # fresh: 0.972 / 0.949; 0.983 / 0.954 after 59's retrain
    HELDOUT_59: (0.96, 0.94),  # fresh: 0.969 / 0.943; 0.978 / 0.957 after the list widened from it
    HELDOUT_60: (0.95, 0.95),  # fresh: 0.956 / 0.956; 0.975 / 0.972 after the list widened from it
    HELDOUT_61: (0.93, 0.92),  # fresh: 0.936 / 0.923, short of the recall target
    HELDOUT_62: (0.93, 0.92),  # fresh: 0.933 / 0.928, short of the recall target; its retrain broke the guard
    # Fresh, held-outs 63 to 66 were scored with the model shipped after 61 (the figures after the
    # semicolon); the floors are those of the model shipped after 67 (converged, with batch AM, at 0.7).
    HELDOUT_63: (0.92, 0.94),  # fresh: 0.881 / 0.941, far short of the recall target; 0.928 / 0.944 after 67
    HELDOUT_64: (0.89, 0.93),  # fresh: 0.844 / 0.938; 0.894 / 0.942 after 67
    HELDOUT_65: (0.93, 0.96),  # fresh: 0.869 / 0.969; 0.933 / 0.971 after 67
    HELDOUT_66: (0.90, 0.93),  # fresh: 0.878 / 0.935; 0.908 / 0.932 after 67
    HELDOUT_67: (0.89, 0.95),  # fresh: 0.897 / 0.953, the converged model trained also on batch AM
    HELDOUT_68: (0.94, 0.95),  # fresh: 0.944 / 0.958, the same model, and its retrain without 68's texts
    HELDOUT_69: (0.89, 0.93),  # fresh: 0.842 / 0.927; 0.892 / 0.939 with the model trained also on batch AN
    HELDOUT_70: (0.90, 0.95),  # fresh: 0.900 / 0.956 with the model shipped after 69, and after 71
    HELDOUT_71: (0.96, 0.94),  # fresh: 0.967 / 0.948 with that model and with its retrain, which ships
}
# Measured: 10 of 400 (0.025) after held-out 23's three texts left the development set; 9 with
# the model retrained when held-out 24's one text left it; 10 again when held-out 27's one did;
# 9 when held-out 29's two did; 10 with the model trained also on held-outs 26 to 28, and when
# held-out 31's three left; 9 after the retrains for held-outs 43 to 45, 10 after 46's, then 8;
# 11 (0.0275) after the retrain for held-out 49, whose sets share 34 texts with the training
# files: the model must leave them out (docs/safety.md, held-out 49); 9 after held-out 50's;
# 11 again after held-out 52's, whose candidate with more ordinary texts failed its plan;
# 8 with that candidate, trained also on batch AJ, which shipped at held-out 53.
# It was 8 (0.02) before the model's threshold went from 0.6 to 0.5 outside a harmless context,
# which held-out 15 judged worth it (docs/safety.md).
EVERYDAY_FLAGGED_CEILING = 0.025
# Each fresh: 10 of 300 (0.033) with the screen shipped after held-out 37 (and the one before it);
# 8 of 300 (0.027) with the screen shipped after held-out 38; 6 of 300 (0.02) after held-outs 39 to 41;
# on the seventh, 5 of 300 with that screen and 6 with the one shipped after held-out 42; on the
# eighth to tenth, 9, 4 and 3 of 300 with the screen shipped after held-outs 42 to 44; on the
# eleventh, 6 of 300 with the one shipped after held-out 45; on the twelfth, 8 of 300 (all the
# model's) with the one shipped after held-out 46; on the thirteenth, 5 of 300 after held-out 47;
# on the fourteenth, 5 of 300 after held-out 48; on the fifteenth, 10 of 300 (all the model's)
# after held-out 49, then 11 (0.037) after the retrain for held-out 51, which must ship
# (docs/safety.md, held-out 51), and 12 (0.04) after the retrain for held-out 52 (docs/safety.md,
# held-out 52); on the sixteenth, 7 of 300 after held-out 50; on the seventeenth, 8 of 300
# after held-out 51; with the model trained also on batch AJ (held-out 53), 11 on the fifteenth
# and 6 on the eighteenth, fresh; on the nineteenth 7 of 300 after held-out 53; on the twenty-first 9
# of 300 with the model trained also on batch AK; on the twenty-second 6 of 300 after held-out 56;
# on the twenty-third 3 of 300 after held-out 57; on the twenty-fourth 13 of 300 after held-out 58
# (held as an exception until 9 after the retrain for held-out 60, with "odd" no longer read as
# "od"); on the twenty-fifth 12 of 300 after held-out 59 (held as an exception until 11 after the
# retrain for held-out 61); on the twenty-sixth 9 of 300 after held-out 60; on the twenty-seventh
# 12 of 300 after held-out 61 (an exception below); on the twenty-eighth 6 of 300 after held-out 62; on
# the twenty-ninth 13 of 300 after held-out 63 (an exception below); on the thirtieth 5 of 300 after
# held-out 64; on the thirty-first 6 of 300 after held-out 65; on the thirty-second 4 of 300 with the
# model shipped after 67, which brings the twentieth to 11, the twenty-seventh to 6 and the
# twenty-ninth to 9 of 300; on the thirty-third 4 of 300 after held-out 67; on the thirty-fourth (half of
# it English mixed with South Asian languages) 1 of 300 after held-out 68, with either model judged there;
# on the thirty-fifth (world Englishes and English mixed with other languages) 6 of 300 after held-out 69;
# on the thirty-sixth (world Englishes and plain English) 3 of 300 after held-out 70.
EVERYDAY_LATER_FLAGGED_CEILING = 0.037
# Sets held at their shipped figure above their ceiling, each until a retrain brings it back under
# (docs/safety.md): the twentieth English set from held-out 56 (17 of 300 fresh, 12 to 14 after) to
# held-out 61's retrain (11); the fifteenth between held-outs 56 and 57 (12); the twenty-fourth after
# held-out 59 (13 fresh; 9 after 60's retrain, with "odd" no longer read as "od"); the twenty-fifth
# after held-out 60 (12 fresh, the model's short polite messages: "Hello. This is Margaret. I am
# fine."; 11 after 61's retrain). Now the twenty-eighth five-language set, fresh after held-out 61: 7
# of 300, all the model's; and the twenty-seventh English set, fresh after held-out 62: 12 of 300, all
# the model's (held-out 62's retrain, which would have left out the 23 texts the new sets share with
# the training, broke three guard sets, so the model shipped after 61 stays: docs/safety.md); and the
# twenty-ninth English set, fresh after held-out 64: 13 of 300, 12 of them the model's.
# Held-out 67's model (fitted to convergence) brings all three back under their ceilings (5, 6 and 9
# of 300), so none is held now.
EVERYDAY_EXCEPTIONS: dict[Path, float] = {}
# Measured with the model trained also on batch AE, each set fresh: 34 of 300 (0.113; 10 before
# batch AE), on the second 22 of 300 (0.073), on the third 38 of 300 (0.127), and 40 (0.133) once
# the model's training left out every text a measuring set holds; on the fourth, with the model
# trained also on batch AG and the first three (which it now learns from), 1 of 300 (0.003); on
# the fifth, with the same model, 3 of 300 (0.01); on the sixth 1 of 300; on the seventh 3 of 300;
# on the eighth 2 of 300; on the ninth 0 of 300 (both models judged at held-out 42); on the tenth
# to twelfth 3, 2 and 2 of 300 with the screen shipped after held-outs 42 to 44; on the thirteenth
# 1 of 300 with the one shipped after held-out 45; on the fourteenth 1 of 300 after held-out 46,
# on the fifteenth 2 of 300 after held-out 47, on the sixteenth 0 of 300 after held-out 48,
# on the seventeenth 2 of 300 after held-out 49, on the eighteenth 0 of 300 after held-out 50,
# on the nineteenth 5 of 300 after held-out 51, on the twentieth 4 of 300 after held-out 52; on the
# twenty-first 4 of 300 after held-out 53, on the twenty-second 2, on the twenty-third 4, on the
# twenty-fourth 1, on the twenty-fifth 0, on the twenty-sixth 3, on the twenty-seventh 3, on the
# twenty-eighth 7 (an exception above); on the twenty-ninth 6 of 300 (0.02) after held-out 62; on the
# thirtieth 1 of 300 after held-out 63; on the thirty-first, in dialects, 2 of 300 after held-out 64; on
# the thirty-second, in dialects, 5 of 300 after held-out 65; on the thirty-third, in dialects, 2 of 300
# after held-out 66; on the thirty-fourth, in dialects, 2 of 300 after held-out 67; on the thirty-fifth,
# in dialects, 3 of 300 after held-out 68; on the thirty-sixth, in dialects, 5 of 300 after held-out 68,
# with either model judged there; on the thirty-seventh, in street and regional varieties, 3 of 300
# after held-out 69; on the thirty-eighth, in street and regional varieties, 2 of 300 after held-out 70.
EVERYDAY_AE_FLAGGED_CEILING = 0.02
# ------------------------------------------------------------------------------------------

# Floors just below the figures measured (see docs/safety.md). Raise them when the list gets
# better; never lower them to make a change pass without saying why.
DEV_RECALL_FLOOR = 0.95
DEV_PRECISION_FLOOR = 0.85
RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.95
CATEGORY_FLOOR = 0.95

REASONS = frozenset(
    (
        "wish to be dead",
        "suicidal thoughts",
        "method or means",
        "intent",
        "plan",
        "preparation or goodbye",
        "not safe right now",
        "self-harm",
        "overdose",
        "hopelessness",
        "harm to others",
    )
)
RISK_CATEGORIES = {  # the development set's risk categories, each with the reason it gives
    "wish_to_be_dead": "wish to be dead",
    "suicidal_thoughts": "suicidal thoughts",
    "method": "method or means",
    "intent": "intent",
    "plan": "plan",
    "preparation": "preparation or goodbye",
    "not_safe": "not safe right now",
    "self_harm": "self-harm",
    "overdose": "overdose",
    "hopelessness": "hopelessness",
    "harm_to_others": "harm to others",
    "negated_present": None,  # any reason, at lower urgency
}
HARMLESS_CATEGORIES = (
    "prevention_work",
    "professional",
    "third_person",
    "fiction_media",
    "past_recovery",
    "quoted_title",
    "idiom",
    "everyday_low_mood",
    "medication_normal",
    "negated_clear",
    "ordinary",  # everyday notes, wins and messages with no risk words at all
)


def is_clear(result: ScreenResult) -> bool:
    """Not flagged: no category, no entry, no reason (whatever context the list read)."""
    return not (result.flagged or result.categories or result.matched or result.reasons or result.urgency)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to end my life.", "suicide"),
        ("I cut myself again last night.", "self_harm"),
        ("I took a whole bottle of pills.", "overdose"),
        ("I'm going to hurt him.", "harm_to_others"),
    ],
)
def test_each_kind_of_risk_is_flagged_with_its_category(text: str, category: str) -> None:
    result = screen_text(text)
    assert result.flagged
    assert result.categories == (category,)


def test_result_names_every_category_sorted_and_the_entries_that_matched() -> None:
    result = screen_text("I want to kill myself and honestly I want to kill him too")

    assert result.categories == ("harm_to_others", "suicide")
    assert "kill* myself" in result.matched
    assert list(result.matched) == sorted(set(result.matched))


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I want to kill myself", True),
        ("I skipped the skill session", False),
        ("Skilled nurses helped my mum", False),
        ("The meditation app is a killer app", False),
        ("Let's take it step by step", False),
        ("Self-esteem is my word for the week", False),
    ],
)
def test_phrases_match_whole_words_only(text: str, flagged: bool) -> None:
    assert screen_text(text).flagged is flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I WANT TO DIE", "suicide"),
        ("ＫＩＬＬ ＭＹＳＥＬＦ", "suicide"),
        ("suïcidal thoughts", "suicide"),
        ("I want to k1ll myself", "suicide"),
        ("su1c1dal again", "suicide"),
        ("$uicide", "suicide"),
        ("su!cide", "suicide"),
        ("s u i c i d e", "suicide"),
        ("s.u.i.c.i.d.e", "suicide"),
        ("i k i l l e d myself", "suicide"),
        ("I want to d-i-e", "suicide"),
        ("i wanna dieeee", "suicide"),
        ("killllll    myself", "suicide"),
        ("I don’t want to live anymore", "suicide"),
        ("self-harm", "self_harm"),
        ("0verdose", "overdose"),
        ("I want to k!ll my boss", "harm_to_others"),
    ],
)
def test_text_is_normalised_before_matching(text: str, category: str) -> None:
    assert category in screen_text(text).categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("thinking about sucide", "suicide"),
        ("thinking about suicde", "suicide"),
        ("thinking about suiside", "suicide"),
        ("feeling suicidle", "suicide"),
        ("sewer slide", "suicide"),
        ("I might kil myself", "suicide"),
        ("I want to kill my self", "suicide"),
        ("I want to kill myslef", "suicide"),
        ("I want to overdoes", "overdose"),
        ("I keep thinking about an over dose", "overdose"),
        ("selfharm urges", "self_harm"),
        ("im gonna hurt sombody", "harm_to_others"),
    ],
)
def test_common_misspellings_are_read_as_the_word(text: str, category: str) -> None:
    assert category in screen_text(text).categories


@pytest.mark.parametrize(
    "text",
    ["I overdid it at the gym", "I'm overdoing it again", "The pasta was overdone"],
)
def test_real_words_near_a_risk_word_are_not_taken_for_misspellings(text: str) -> None:
    assert is_clear(screen_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "This workout is killing me",
        "I killed it at my interview!",
        "I'm dying to see my kids",
        "I overdosed on chocolate at the party",
        "I cut myself shaving this morning",
        "Cut myself some slack today",
        "I nearly killed myself laughing",
        "I want to die my hair blue",
        "I'll hit him up later",
        "I don't want to hurt her feelings",
        "We did suicides at basketball practice",
        "We watched Suicide Squad",
        "My dad overdoes it with the garden",
        "I want to cut down on caffeine",
        "I want to end it with my boyfriend",
        "my shift got cut again, down to 20 hours",
        "overtime has been cut again so money is tight",
        "could you write a letter for my employer confirming I attend?",
        "would you be able to write me a letter for the housing officer",
        "could you write me a letter for the job centre",
        "can you help me write a letter to my manager about reasonable adjustments",
        "wrote a letter to my supervisor requesting more shifts",
    ],
)
def test_harmless_idioms_are_not_flagged(text: str) -> None:
    assert is_clear(screen_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "zaterdag wandel ik mee voor suïcidepreventie, sponsor me!",
        "op de opname doe ik de suïciderisico-taxatie",
        "op de opname doe ik de inschatting van het suïciderisico",
        "formation à la prévention du suicide validée aujourd'hui",
        "journée mondiale de prévention du suicide, on tient un stand à la mairie",
        "sabato corro per raccogliere fondi per la prevenzione del suicidio",
        "giornata piena di valutazioni del rischio suicidario in reparto",
        "vou dar uma palestra sobre prevenção do suicídio na escola",
        "setembro amarelo: cartazes sobre prevenção ao suicídio prontos",
        "hoje fiz a avaliação de risco de suicídio de dois pacientes",
        "vendimos pan dulce para la fundación de prevención del suicidio",
    ],
)
def test_suicide_prevention_and_risk_assessment_named_in_other_languages_are_not_flagged(text: str) -> None:
    assert is_clear(screen_text(text)), load_phrase_list().explain(text)


@pytest.mark.parametrize(
    "text",
    [
        "llamé a la línea de prevención del suicidio porque quiero suicidarme",
        "went to the prevenzione del suicidio evening and i want to kill myself",
        "ik doe de cursus suïcidepreventie maar ik ben zelf suicidal",
        "prévention du suicide, ok, but i took an overdose last night",
        # the English setting word "prevention" once cleared the whole sentence
        "je pense au suicide depuis la formation en prévention du suicide",
    ],
)
def test_a_risk_beside_prevention_named_in_another_language_still_counts(text: str) -> None:
    assert screen_text(text).flagged, load_phrase_list().explain(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("This is killing me inside, I want to die.", "suicide"),
        ("I killed myself laughing, but honestly I want to die", "suicide"),
        ("I cut myself shaving, and later I cut myself on purpose", "self_harm"),
        ("I overdosed on chocolate, and last year I overdosed for real", "overdose"),
        # a treat named first does not make what follows it a treat
        ("overdosed on chocolate and my pills, all of them", "overdose"),
        ("od on sugar then took the rest of my meds", "overdose"),
        ("my hours got cut again and I cut again last night", "self_harm"),
        ("wrote a letter for my employer and letters to my kids for after im gone", "suicide"),
        ("wrote a letter to my bank and my solicitor, all sorted for the kids now", "suicide"),
        ("wrote an email to my manager about time off, and a letter to my son for after im gone", "suicide"),
        ("wrote a letter to my boss, one to my mum and one to my sister", "suicide"),
    ],
)
def test_a_harmless_idiom_hides_only_its_own_words(text: str, category: str) -> None:
    assert category in screen_text(text).categories


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "?!...", "🙂🙂"])
def test_text_without_words_is_not_flagged(text: str) -> None:
    assert is_clear(screen_text(text))


def test_default_phrase_list_is_loaded_once_and_used_when_none_is_given() -> None:
    assert load_phrase_list() is load_phrase_list(DEFAULT_PHRASES_FILE) is load_phrase_list("")
    assert screen_text("I want to die") == screen_text("I want to die", load_phrase_list())


def test_custom_phrase_list_file_replaces_the_default(tmp_path: Path) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(
        """
        [risk_phrases]
        self_harm = ["pinch* myself"]

        [harmless_phrases]
        dreams = ["pinch* myself to check"]

        [spelling]
        near_miss_words = ["myself"]
        """,
        encoding="utf-8",
    )
    phrases = load_phrase_list(str(path))

    assert screen_text("I pinched myself again", phrases).matched == ("pinch* myself",)
    assert screen_text("I pinched mysefl again", phrases).flagged
    assert not screen_text("I pinched myself to check I was awake", phrases).flagged
    assert not screen_text("I want to die", phrases).flagged


@pytest.mark.parametrize(
    ("phrase", "text", "flagged"),
    [
        ("hurt*", "I keep hurting", True),
        ("hurt*", "I was unhurt", False),
        ("(alone|on my own) tonight", "on my own tonight", True),
        ("take [all] [my] pills", "take pills", True),
        ("take [all] [my] pills", "take all my pills", True),
        ("take [all] [my] pills", "take some pills", False),
        ("want ... gone", "want gone", True),
        ("want ... gone", "want it to be gone", True),
        ("want ... gone", "want it all to be gone", False),
        ("{feeling} again", "feeling hopeless again", True),
        ("{feeling} again", "feeling hopeful again", False),
    ],
)
def test_phrase_syntax(tmp_path: Path, phrase: str, text: str, flagged: bool) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(
        f'[word_groups]\nfeeling = ["hopeless", "worthless"]\n'
        f"[risk_phrases]\nsuicide = [{json.dumps(phrase)}]\n",
        encoding="utf-8",
    )
    assert screen_text(text, load_phrase_list(path)).flagged is flagged


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('[risk_phrases]\nsadness = ["low"]', "unknown categories ['sadness']"),
        ("[risk_phrases]\nsuicide = []", "no risk phrases"),
        ('[risk_phrases]\nsuicide = "want to die"', "risk_phrases.suicide must be a list"),
        ('[risk_phrases]\nsuicide = ["(want|wish to die"]', "unbalanced brackets"),
        ('[risk_phrases]\nsuicide = ["[really] want to die"]', "cannot start or end"),
        ('[risk_phrases]\nsuicide = ["{nobody} to die"]', "no word group 'nobody'"),
        (
            '[risk_phrases]\nsuicide = ["die"]\n[spelling]\nnear_miss_words = ["die"]',
            "must be one word of 6+ letters",
        ),
        ("[risk_phrases\n", "Expected ']'"),
    ],
)
def test_invalid_phrase_list_is_refused_with_file_and_reason(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ValueError) as error:
        load_phrase_list(path)

    assert str(path) in str(error.value)
    assert reason in str(error.value)


@pytest.mark.live
def test_a_broken_phrase_list_stops_the_server_and_not_the_migrations(tmp_path: Path) -> None:
    """`python wsgi.py` reads the list before it serves; `flask db upgrade` never needs it."""
    broken = tmp_path / "phrases.toml"
    broken.write_text("[risk_phrases\n", encoding="utf-8")
    server = LiveServer(
        tmp_path, f"sqlite:///{tmp_path / 'stepwise.db'}", extra_env={"RISK_PHRASES_FILE": str(broken)}
    )

    server.flask("db", "upgrade")  # raises if the command fails
    serving = subprocess.run(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=server.env(), capture_output=True, text=True, timeout=60
    )

    assert serving.returncode != 0
    assert f"{broken}: Expected ']'" in serving.stderr


def _examples() -> list[dict[str, str]]:
    with EXAMPLES_FILE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_examples_are_labelled_by_the_documented_rule() -> None:
    examples = _examples()
    risky = [row for row in examples if row["risky"] == "1"]

    assert len(examples) >= 150
    assert {row["risky"] for row in examples} == {"0", "1"}
    assert 0.4 <= len(risky) / len(examples) <= 0.6
    assert all(row["category"] in CATEGORIES for row in risky)
    assert all(row["category"] == "" for row in examples if row["risky"] == "0")
    assert len({row["text"] for row in examples}) == len(examples)


def test_precision_and_recall_on_labelled_examples_stay_above_their_floors() -> None:
    examples = _examples()
    missed, false_flags, wrong_category = [], [], []
    caught = 0
    for row in examples:
        result = screen_text(row["text"])
        if row["risky"] == "1" and not result.flagged:
            missed.append(f"  missed ({row['category']}): {row['text']}")
        elif row["risky"] == "0" and result.flagged:
            false_flags.append(f"  false flag {result.matched}: {row['text']}")
        elif result.flagged:
            caught += 1
            if row["category"] not in result.categories:
                wrong_category.append(f"  {row['category']} not in {result.categories}: {row['text']}")
    precision = caught / (caught + len(false_flags))
    recall = caught / (caught + len(missed))
    category_agreement = 1 - len(wrong_category) / caught
    mistakes = "\n".join([*missed, *false_flags, *wrong_category])

    print(
        f"\nrisk screen: precision={precision:.3f} recall={recall:.3f} "
        f"category agreement={category_agreement:.3f} on {len(examples)} examples\n{mistakes}"
    )
    floors = f"floors: precision {PRECISION_FLOOR}, recall {RECALL_FLOOR}, category {CATEGORY_FLOOR}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.3f} below {floors}\n{mistakes}"
    assert precision >= PRECISION_FLOOR, f"precision {precision:.3f} below {floors}\n{mistakes}"
    assert category_agreement >= CATEGORY_FLOOR, f"categories below {floors}\n{mistakes}"


# Evaluating a labelled file: the development set here, the held-out set by the lead -----------


@dataclass
class CategoryFigures:
    """How one category of a labelled file fared.

    Risk categories: `recall` is the share flagged, `precision` the share of all flags giving
    the category's reason that were risky (for negated_present: of the lower-urgency flags).
    Harmless categories: `clear` is the share left unflagged; precision and recall are None.
    """

    label: str
    texts: int = 0
    flagged: int = 0
    precision: float | None = None
    recall: float | None = None
    clear: float | None = None


@dataclass
class Evaluation:
    """Overall and per-category precision and recall of the screen on one labelled file."""

    texts: int
    precision: float
    recall: float
    by_category: dict[str, CategoryFigures] = field(default_factory=dict)
    mistakes: list[str] = field(default_factory=list)

    def report(self, name: str) -> str:
        """The figures as the test prints them (`-s`)."""
        lines = [
            f"risk screen on {name}: precision={self.precision:.3f} recall={self.recall:.3f} "
            f"({self.texts} texts)"
        ]
        for category, figures in self.by_category.items():
            if figures.label == "risk":
                precision = "  n/a" if figures.precision is None else f"{figures.precision:.3f}"
                lines.append(
                    f"  {category:<18} risk      n={figures.texts:<3} recall={figures.recall:.3f} "
                    f"precision={precision}"
                )
            else:
                lines.append(
                    f"  {category:<18} harmless  n={figures.texts:<3} clear={figures.clear:.3f} "
                    f"({figures.flagged} flagged)"
                )
        return "\n".join([*lines, *self.mistakes])


def _labelled(path: Path, batches: Collection[str] = ()) -> list[tuple[str, bool, str]]:
    """(text, is_risk, category) of a labelled file: `label` risk/harmless, or `risky` 1/0;
    only the rows of `batches` (the development set's `note`) when given."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    labelled = []
    for row in rows:
        label = (row.get("label") or row.get("risky") or "").strip().lower()
        if label not in ("risk", "harmless", "1", "0"):
            raise ValueError(f"{path}: a row without a label: {row}")
        if batches and (row.get("note") or "").split(";")[0] not in batches:
            continue
        labelled.append((row["text"], label in ("risk", "1"), (row.get("category") or "").strip()))
    return labelled


def shipped_screen(text: str) -> ScreenResult:
    """The screen as the app runs it by default: the phrase list, and the second opinion."""
    return screen_with_second_opinion(text, load_phrase_list(), load_model())


def evaluate(
    path: Path, screen: Callable[[str], ScreenResult] = shipped_screen, batches: Collection[str] = ()
) -> Evaluation:
    """Screen every text of a labelled file; overall and per-category precision and recall."""
    labelled = _labelled(path, batches)
    results = [(text, is_risk, category, screen(text)) for text, is_risk, category in labelled]
    flags = [(is_risk, result) for _, is_risk, _, result in results if result.flagged]
    caught = sum(is_risk for is_risk, _ in flags)
    risky = sum(is_risk for _, is_risk, _, _ in results)
    by_category: dict[str, CategoryFigures] = {}
    for _, is_risk, category, result in results:
        figures = by_category.setdefault(category or "-", CategoryFigures("risk" if is_risk else "harmless"))
        figures.texts += 1
        figures.flagged += result.flagged
    for category, figures in by_category.items():
        if figures.label == "risk":
            figures.recall = figures.flagged / figures.texts
            reason = RISK_CATEGORIES.get(category)
            giving = [
                is_risk
                for is_risk, result in flags
                if (reason in result.reasons if reason else result.urgency == LOWER)
            ]
            figures.precision = sum(giving) / len(giving) if giving else None
        else:
            figures.clear = 1 - figures.flagged / figures.texts
    mistakes = [
        f"  {'missed' if is_risk else 'false flag'} ({category}): {text}"
        + (f"  {list(result.matched)}" if result.flagged else "")
        for text, is_risk, category, result in results
        if is_risk != result.flagged
    ]
    return Evaluation(
        texts=len(results),
        precision=caught / len(flags) if flags else 0.0,
        recall=caught / risky if risky else 0.0,
        by_category=dict(sorted(by_category.items(), key=lambda item: (item[1].label, item[0]))),
        mistakes=mistakes,
    )


def test_development_set_is_labelled_by_the_documented_rule() -> None:
    rows = _labelled(DEV_FILE)
    risky = [category for _, is_risk, category in rows if is_risk]
    harmless = [category for _, is_risk, category in rows if not is_risk]

    assert len(rows) >= 400
    tricky = [category for _, _, category in rows if category != "ordinary"]
    assert 0.4 <= len(risky) / len(tricky) <= 0.6  # balanced, beside the ordinary texts
    assert set(risky) == set(RISK_CATEGORIES)
    assert set(harmless) == set(HARMLESS_CATEGORIES)
    assert min(map(risky.count, RISK_CATEGORIES)) >= 20  # many phrasings per construct
    assert min(map(harmless.count, HARMLESS_CATEGORIES)) >= 20
    assert len({text for text, _, _ in rows}) == len(rows)
    assert not {text for text, _, _ in rows} & {row["text"] for row in _examples()}


def test_the_lists_precision_and_recall_on_what_it_was_tuned_on_stay_above_their_floors() -> None:
    """The phrase list alone, on the batches of the development set it was tuned on."""
    evaluation = evaluate(DEV_FILE, screen_text, LIST_TUNED_ON)
    print("\n" + evaluation.report(DEV_FILE.name))
    floors = f"floors: recall {DEV_RECALL_FLOOR}, precision {DEV_PRECISION_FLOOR}"
    assert evaluation.recall >= DEV_RECALL_FLOOR, f"{floors}\n{evaluation.report(DEV_FILE.name)}"
    assert evaluation.precision >= DEV_PRECISION_FLOOR, f"{floors}\n{evaluation.report(DEV_FILE.name)}"


# Constructs, contexts, negation, reasons ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("some nights i just wish i was dead", "wish to be dead"),
        ("i hope i dont wake up tmrw", "wish to be dead"),
        ("id rather be dead honestly", "wish to be dead"),
        ("i wanna kms", "suicidal thoughts"),
        ("been thinking about suicide a lot", "suicidal thoughts"),
        ("i want to unalive myself", "suicidal thoughts"),
        ("i keep looking up how many paracetamol it takes", "method or means"),
        ("thinking about jumping off the multi storey", "method or means"),
        ("i could hang myself in the garage", "method or means"),
        ("im going to kill myself tonight", "intent"),
        ("im ready to die", "intent"),
        ("im gonna end my life", "intent"),
        ("i have a plan to kill myself", "plan"),
        ("ive picked a date", "plan"),
        ("i know exactly how and when", "plan"),
        ("ive written my goodbye letters", "preparation or goodbye"),
        ("giving my things away to friends", "preparation or goodbye"),
        ("been stockpiling my tablets", "preparation or goodbye"),
        ("im not safe right now", "not safe right now"),
        ("i cant keep myself safe tonight", "not safe right now"),
        ("i dont trust myself tonight", "not safe right now"),
        ("i cut myself again", "self-harm"),
        ("the urge to self harm is back", "self-harm"),
        ("i burned my arm on purpose", "self-harm"),
        ("i took a whole box of paracetamol", "overdose"),
        ("im going to od tonight", "overdose"),
        ("i overdosed last night", "overdose"),
        ("im such a burden on everyone", "hopelessness"),
        ("theres no way out for me", "hopelessness"),
        ("i have nothing to live for", "hopelessness"),
        ("im going to hurt my husband", "harm to others"),
        ("i want to strangle my boss", "harm to others"),
        ("im scared ill shake the baby", "harm to others"),
        # an inner voice, a search with no object, a cut told small, covering up in the heat,
        # spirits and pills, one more box from one more shop, no future, not safe in one's head
        ("my head keeps whispering 'just die'", "suicidal thoughts"),
        ("spent hours googling which works quickest", "method or means"),
        ("only cut a little tonight", "self-harm"),
        ("in a hoodie in 31 degrees again", "self-harm"),
        ("long sleeves through the heatwave, you know why", "self-harm"),
        ("downed a whole bottle of vodka and took my mums tablets", "overdose"),
        ("got the co-codamol from another chemist so they wouldnt ask", "preparation or goodbye"),
        ("cant imagine myself reaching 40", "hopelessness"),
        ("they would be free if i wasnt around", "hopelessness"),
        ("wouldnt mind slipping away", "wish to be dead"),
        ("praying never to wake up", "wish to be dead"),
        ("havent felt safe with myself since the weekend", "not safe right now"),
        ("please dont leave me on my own after the meeting", "not safe right now"),
        # added after held-out 16
        ("all I think about is checking out on my own terms", "suicidal thoughts"),
        ("spread it over four pharmacies so nobody asks questions", "preparation or goodbye"),
        ("honestly I'm a danger to myself tonight", "not safe right now"),
        ("not safe at home with my thoughts", "not safe right now"),
        ("went deeper than usual", "self-harm"),
        ("took my whole weeks blister pack", "overdose"),
        ("took a handful out of the pill organiser", "overdose"),
        ("tried everything. nothing left to try", "hopelessness"),
        ("jealous of people who get to just die", "wish to be dead"),
        ("i want it to be over for both of us", "harm to others"),
        # added after held-out 18
        ("my SI is back again tonight", "suicidal thoughts"),
        ("took 2 weeks of quetiapine at once", "overdose"),
        ("cancelled the gym and netflix. tying up loose ends", "preparation or goodbye"),
        ("gonna get my strap and handle him", "harm to others"),
        # widened from the misses of held-outs 21 to 23, before held-out 24 judged it: a means
        # visited or watched with no word of harm, faith words for being taken, envy of the dead,
        # rehoming a pet however it is told, blades kept close, "why bother" as a verdict
        ("stood at the level crossing for an hour just watching the tracks", "method or means"),
        ("walked up to the top of the car park again and kept staring down", "method or means"),
        ("the motorway bridge is 5 mins away. i could just lean over", "method or means"),
        ("drove past the quarry twice and almost pulled in", "method or means"),
        ("keeping a razor blade in my phone case now", "method or means"),
        ("asking god to call me home soon", "wish to be dead"),
        ("honestly envy the ones who died in their sleep", "wish to be dead"),
        ("rehoming the cat on sunday, she deserves better than me", "preparation or goodbye"),
        ("why even bother anymore", "hopelessness"),
        # widened from held-out 24's misses, before held-out 25 judged it
        ("took too many of my nans heart pills. head is spinning", "overdose"),
        ("could wallop the kid when he screams like that", "harm to others"),
        ("honestly ready to deck the wife tonight", "harm to others"),
        ("gonna take a hammer to his head if he comes round again", "harm to others"),
        ("woke up and was gutted im still breathing", "wish to be dead"),
        ("went round to see everyone one last time", "preparation or goodbye"),
        # widened from held-out 25's misses, before held-out 26 judged it
        ("had my brother by the throat last night", "harm to others"),
        ("the landlord is lucky i didnt floor him this morning", "harm to others"),
        ("shoved my girlfriend against the wall", "harm to others"),
        ("stood at the railing way too long tonight", "method or means"),
        ("dads shotgun is sat on my bed right now", "method or means"),
        ("got my tablets stashed away under the floorboard", "preparation or goodbye"),
        ("sleeping pills and vodka tonight, thats the plan", "preparation or goodbye"),
        ("dont feel like i deserve food", "self-harm"),
        # widened from held-out 26's misses, before held-out 27 judged it
        ("better i was dead back home than alone here", "wish to be dead"),
        ("going to see my grandad one last time tomorrow", "preparation or goodbye"),
        ("found my cat a new home with my aunt", "preparation or goodbye"),
        ("rehoming my ferrets on saturday", "preparation or goodbye"),
        ("tomorrow i go to the river and jump", "plan"),
        ("i picked it for the 3rd of the month", "plan"),
        ("when my flatmate is away, then nobody will check on me", "plan"),
        ("i want to punish my body for eating", "self-harm"),
        ("my thighs have fresh marks again", "self-harm"),
        ("i drank some bleach this morning", "self-harm"),
        ("sometimes i just want to feel pain", "self-harm"),
        ("what is the reason to live, honestly", "hopelessness"),
        ("been like this for years. nothing is ever going to change", "hopelessness"),
        ("gonna hurt that kid on the bus", "harm to others"),
        ("bringing something to school so they stop laughing at me", "harm to others"),
        # widened from held-out 27's misses, before held-out 28 judged it
        ("wished it was me in the coffin instead of him", "wish to be dead"),
        ("my cat was put to sleep and i was jealous", "wish to be dead"),
        ("envying the dogs we put down", "wish to be dead"),
        ("question 9 wasnt a zero again", "suicidal thoughts"),
        ("when my husbands away, using the stuff from work", "plan"),
        ("updated my death in service form so its all clear for the kids", "preparation or goodbye"),
        ("set my out of office to forever", "preparation or goodbye"),
        ("i am a patient with no treatment options left", "hopelessness"),
        ("not going to take anything, i will cut instead", "self-harm"),
        ("im going to do what my brother did", "intent"),
        ("i shook her and now im scared of myself", "harm to others"),
        ("swear ill put him through the door", "harm to others"),
        ("pinned my husband back harder than i should have", "harm to others"),
        # widened from held-outs 43 to 45's misses, before held-out 47 judged it
        ("gonna throttle my housemate, he nicked my milk again", "harm to others"),
        ("i swear ill deck that security guard tomorrow", "harm to others"),
        ("want to hurt the judge who gave him custody", "harm to others"),
        ("one more comment and shes getting a slap", "harm to others"),
        ("that ref is getting knocked out i swear", "harm to others"),
        ("sometimes i wish the crash had killed me too", "wish to be dead"),
        ("honestly im such a dead weight to this family", "hopelessness"),
        ("doubled and tripled my diazepam tonight", "overdose"),
        ("lost my job in march and ive wanted to die every day since", "suicidal thoughts"),
        # widened from held-outs 46 to 48's misses, before held-out 49 judged it
        ("honestly the dead have it easier", "wish to be dead"),
        ("went to the grave of the mates we lost and i felt a bit envious of them", "wish to be dead"),
        ("keep asking myself what if i ended things", "suicidal thoughts"),
        ("suicide used to frighten me. these days it just sits there as a choice", "suicidal thoughts"),
        ("googled which tablets would do the job", "method or means"),
        ("dont know if im safe tonight", "not safe right now"),
        ("thumping my ribs till they went purple", "self-harm"),
        ("had both boxes of sertraline tonight", "overdose"),
        ("left my engagement ring in an envelope for my sister", "preparation or goodbye"),
        ("gave away his stuff and my things too", "preparation or goodbye"),
        ("picked the songs for my funeral and sent them to my sister", "preparation or goodbye"),
        ("i see no point in staying", "hopelessness"),
        ("cant see any world where i feel okay again", "hopelessness"),
        ("im an albatross round their neck", "hopelessness"),
        ("gave her a proper slap last night, shes got a mark", "harm to others"),
        ("wanted to wrap my hands around my dads neck", "harm to others"),
        ("youre getting a rock through your window mate", "harm to others"),
        # widened from held-out 49's misses, before held-out 50 judged it
        ("my mate died and i was a bit envious of him", "wish to be dead"),
        ("keep walking past the viaduct every night", "method or means"),
        ("saturday 4am, the quarry. nobody home till noon", "plan"),
        ("tonight at the reservoir before anyones up", "plan"),
        ("reopened the old cuts again", "self-harm"),
        ("no way back and no way forward for me", "hopelessness"),
        ("im trapped in legs that used to run", "hopelessness"),
        ("went for my brother with a hammer", "harm to others"),
        ("i could run that coach down and not blink", "harm to others"),
        ("the railway where i used to train... been going back down there on my own", "method or means"),
        # widened from held-out 50's misses, before held-out 51 judged it
        ("kept the rifle back instead of handing it in", "method or means"),
        ("stopped eating as a punishment for slipping up", "self-harm"),
        ("nurse asked if i was suicidal, i said no. honestly yes", "suicidal thoughts"),
        ("sat by the tracks, kept staring at the rails", "method or means"),
        ("went and sat on the edge", "method or means"),
        # and from held-out 51's, before held-out 52 judged them
        ("tried the meds, the groups, the lot. nothing helped and nothing will", "hopelessness"),
        ("one more word and its a rock through her window", "harm to others"),
        # and from held-out 52's, before held-out 53 judged them
        ("tonight at 3am when the house is asleep", "plan"),
        ("honestly its hopeless", "hopelessness"),
        ("my marriage is over and so am i", "hopelessness"),
        # one for each widened entry that no phrasing above needs (the review after held-out 53)
        ("googled which meds would actually kill", "method or means"),
        ("had the cuts open again last night", "self-harm"),
        ("gave up cutting and started burning instead", "self-harm"),
        ("theyre getting a bottle through their window tonight", "harm to others"),
        ("im going to punch that reporter", "harm to others"),
        ("i used to think about suicide. lately it just sits there like a choice", "suicidal thoughts"),
        ("suicide used to terrify me and it doesnt anymore", "suicidal thoughts"),
        ("kept wondering what if i ended everything", "suicidal thoughts"),
    ],
)
def test_each_construct_is_flagged_with_its_reason(text: str, reason: str) -> None:
    result = screen_text(text)
    assert result.flagged, text
    assert reason in result.reasons
    assert result.urgency == URGENT


@pytest.mark.parametrize(
    "text",
    [
        "kept looking down at my phone the whole bus ride",
        "watching the trains with my son at the station, he loves them",
        "used to keep blades in my bag. gave them to my counsellor two years ago",
        "rehoming a rescue dog from the shelter next week, so excited",
        "why bother ironing when you can just hang it up",
        "took too many of the free samples at the market lol",
        "the kid scored a goal today, so proud",
        "deck the halls, the tree is finally up",
        "woke up gutted that the match was cancelled",
        "last day of term, hugged the kids for the last time before summer",
        "grabbed the cat by the scruff to get her in the carrier",
        "lucky i didnt miss the bus",
        "my son broke his nose at rugby",
        "stood at the barrier for ages waiting for the band to come on",
        "the rifle is in the gun safe at the club where it belongs",
        "i deserve a takeaway after that week",
        "went to see my grandad one last time at the chapel of rest",
        "hugged my son one last time before he left for uni",
        "my legs have new scratches from the brambles",
        "my toddler drank some bleach, we are in a&e now",
        "heading to the lake and jump in, its roasting",
        "when my wife is away i eat cereal for dinner",
        "nothing will change until the council actually listens",
        "we are rehoming two guinea pigs from the shelter this weekend",
        "bringing something to school monday for the bake sale",
        "you need to feel pain to grow, said my physio",
        "wished i was the one on the beach not stuck at work",
        "the dog went peacefully in her sleep and i was so sad",
        "jealous of my mates who put down a deposit on a house",
        "cleaned the oven using the stuff from work",
        "sorted my pension nomination form at the new job",
        "out of office until monday, bye all",
        "i cut instead of tearing the paper",
        "i shook him by the hand and said well done",
        "hugged her tighter than i should have at the airport",
        # near the phrases widened from held-outs 29 and 30
        "dear god please let the bus be on time",
        "please take me to the airport tomorrow",
        "asked god for strength and he gave it",
        "jealous of whoever gets the window seat",
        "when my goldfish died i felt sad for a week",
        "my head is full of lyrics today",
        "the sunset was lovely, we stopped for the view",
        "got my late dads fishing rods out of the loft",
        "6pm at the bridge for the charity run",
        "saw my nan today for the first time in months",
        "visited my grandad yesterday and he was in good form",
        "left a note on the fridge for my flatmate",
        "put a letter on the bed for my son to open on his birthday",
        "cleared out the garage at the weekend",
        "paid off my phone bill finally",
        "handing over the minecraft server to my little brother since he plays more",
        "burnt myself on the iron again, so clumsy",
        "skipping breakfast because i slept in",
        "i dont even shave these days, full beard",
        "took all the medicine the doctor gave me for the ear infection",
        "took all my medication this morning like a good girl",
        "theyd be better off with the bigger flat",
        "the kids are better off with a bit of routine",
        "this job is a dead end",
        "the maze had no exit sign lol",
        "hes going to swing for the fences this season",
        "wring the cloth out before you hang it",
        "threw the ball at my son and he caught it",
        "threw a party for my husband last night",
        "chucked a shoe at the cat for scratching the sofa",
        # near the phrases widened from held-out 31
        "i dont want any more birthdays with a zero on the end lol",
        "drove past the bridge on the way to work",
        "eyeing the cake in the fridge lately",
        "moved the rifle into the gun safe",
        "last visit to the dentist for a while",
        "hugged my daughter longer than usual at the school gate, first day nerves",
        "wrote a letter and put it in the post for my nan",
        "so shell find it easier to park",
        "you were all so kind to me after the op, thank you",
        "goodbye all, see you next week",
        "asked about funeral arrangements for my dad today",
        "the vet thought i was asking for my dog",
        "took double my dose by mistake and rang the pharmacy",
        "took double my vitamins this morning by accident",
        "wring the chickens neck like grandad did",
        "going to bury the dog in the garden tomorrow",
        "my son is going to get his exam results tomorrow",
        "hit my brother with a snowball",
        "I'd sooner kill myself than sit through another budget meeting",
        # near the phrases widened from held-out 32
        "what reason do i have to go to the party",
        "put my fist through the bag at boxing",
        "the kids pushed my mum down the slide at the park",
        "wanted to see them before the match",
        "if i dont post next week its because im on holiday",
        "thank you all for the birthday wishes",
        "my late uncle was a farmer and i envy his calm",
        "i see no future in this job",
        "threw a ball at his head by accident in pe, he laughed",
        "will beat the next person who challenges me at chess",
        # near the goodbye phrases added after held-out 45
        "i didnt know it was goodbye when i left the ward that night",
        "it was a farewell do for our manager, lovely cake",
        "finished my funeral plan today, one less thing for the kids to sort",
        "cancelled my repeat prescription, the gp moved me onto a new one",
        "put the rent money in an envelope for the landlord",
        "thank you for everything this term, see you all in january",
        # near the phrases widened from held-outs 43 to 45
        "i could kill the whole pizza tonight",
        "my son is getting punched at school and nobody does anything",
        "i wish dad had taken me fishing more",
        "i felt like dead weight after the marathon",
        "the gp doubled my sertraline last month",
        # a recovery told with a bare "since" stays a past recovered from
        "i wanted to die in 2019 and have been grateful since",
        "the nurse had to hit the button twice",
        # near the phrases widened from held-outs 46 to 48
        "the dead ones in the veg patch need pulling up",
        "what if i just ended things with him, would i regret it",
        "not sure im safe to drive after this cold medicine",
        "hit my head on the cupboard door until i saw stars",
        "bought two packs of paracetamol for the cupboard",
        "put the spare keys in an envelope for the cleaner",
        "giving away the kids old toys and mine too, big clear out",
        "added this one to my funeral playlist lol",
        "we gave them a hiding on saturday, 5 nil",
        "she put her hands round my neck and hugged me",
        "the kids kicked a ball through their window, so embarrassing",
        "cant see a way where this project finishes on time",
        "needles used to scare me, had my jab today no fuss",
        # contexts read since held-out 49: a question answered no, a negation before a dark
        # thought, a newsletter, a stage knife, a lesson, help that ended it, a last time long
        # ago, a letter to a landlord, tabs open in the head
        "the counsellor asked me the self harm question, answered no and meant it",
        "no bad thoughts about ending it this week, just tired",
        "wrote a piece for the parish newsletter about suicide and men",
        "taught the drama kids how to stab someone with a prop knife",
        "covered the self harm lesson with year 9",
        "stopped cutting once i got proper therapy, 3 years now",
        "my last overdose was years ago, before the kids",
        "Hi, can you help me write a letter to my landlord?",
        "too many tabs open in my head today",
        # the same contexts in Dutch, German, French, Italian and Portuguese: someone else, a job,
        # a negation, a past with a now, a course, a series, prevention
        "de broer van mijn vriendin heeft een overdosis gehad",
        "ma voisine a fait une overdose hier soir",
        "sou bombeiro, ontem atendemos uma tentativa de suicídio no viaduto",
        "jamais de pensées suicidaires, juste fatiguée",
        "il y a deux ans j'ai fait une overdose, aujourd'hui je cours le marathon",
        "vijf jaar geleden een overdosis, nu gelukkig getrouwd",
        "fiz o curso de voluntária, falamos muito de suicídio",
        "je regarde une série sur le suicide des ados",
        "prévention suicide: je fais une formation demain",
        # contexts read since held-out 50: "i'm not" as the answer, "remember when" with how far
        # one has come, a reversal drug, a detective, a chore's last straw, that job, an illness
        # as the event, "not even tempted"
        "my mum asked if im thinking of ending it. im not, really",
        "remember when i wanted to die every day? look how far ive come",
        "paramedic here, gave the overdose reversal to a lad tonight, he's fine",
        "the inspector finds the suicide note under the floorboards",
        "one more spreadsheet and ill kill myself lol",
        "learnt to read suicide notes in that job, glad to be out of it",
        "after my heart attack i wanted to die. now im walking 5k a day",
        "never going to burn myself again, not even tempted",
        "not even thinking about suicide, just knackered",
        # contexts read since held-out 51: a first year as the past, the story ending in the
        # writer still here, a wife in Italian
        "i was suicidal most of my first year in the job, therapy helped",
        "remember when i wrote those goodbye notes? tore them up. still here",
        "mia moglie dice che pensa al suicidio, sono preoccupato",
        # contexts read since held-out 52: a cleaner, "clear of", a story told in public, a
        # suspected overdose and CPR, forms as the last straw
        "one of the cleaners self harms, how do i help her",
        "2 years clear of self harm today",
        "the overdose was years ago and i spoke about it publicly at church",
        "suspected overdose on the 6.10, we did cpr, she lived",
        "the admin forms make me want to jump off a bridge",
        # one for each context entry that no text above needs (the review after held-out 53)
        "ik ben echt niet suïcidaal, alleen moe",
        "zero pensamentos suicidas esta semana",
        "nunca suicida, só muito cansada",
        "mijn broer heeft gisteren een overdosis genomen",
        "mein Bruder hatte eine overdose, er ist jetzt stabil",
        "meine Mutter hatte letztes Jahr eine overdose",
        "le fils de mon ami a fait une overdose",
        "mio figlio ha preso una overdose, ora sta meglio",
        "meu filho tomou uma overdose ontem",
        "il fratello di lei ha fatto una overdose",
        "minha irmã falou de suicídio ontem",
        "sono volontaria al telefono, parliamo di suicidio ogni notte",
        "cours de premiers secours aujourd'hui, module sur le suicide",
        "setembro amarelo na escola, palestra sobre suicídio",
        "como enfermeira vi uma tentativa de suicídio hoje",
        "ambulanza chiamata per un tentato suicidio in stazione",
        "politie aan de deur: een overdosis bij de buren",
        "dienst op de spoed, twee suïcidepogingen vannacht",
        "nachtdienst op de SEH, een overdosis en een val",
        "un livre sur le suicide des adolescents, très dur",
        "vor zwei Jahren hatte ich eine overdose, heute geht es mir gut",
        "faz dois anos da overdose, agora estou limpa",
        "our newsletter has a page on suicide in farmers this month",
        "wrote a column about suicide and men for the local rag",
        "i quit cutting myself once i accepted help",
        "writing a letter to my landlord about the damp",
        "covered the overdose unit with year 10",
        "my suicide attempt was in 2016. this time i got help early",
        # and their neighbours that stay clear
        "i was not eating to punish myself for months, now i cook for the whole house",
    ],
)
def test_the_words_of_the_widened_phrases_in_everyday_senses_are_not_flagged(text: str) -> None:
    assert not screen_text(text).flagged


@pytest.mark.parametrize(
    ("context", "text"),
    [
        ("prevention_work", "ran a bake sale for a suicide prevention charity"),
        ("prevention_work", "my crisis line volunteering shift went well"),
        ("prevention_work", "did the overdose awareness training at the library"),
        ("professional", "as a paramedic i went to two overdoses today"),
        ("professional", "im a nurse and a patient self harmed on my shift"),
        ("professional", "my job as a counsellor means lots of suicide risk assessments"),
        ("third_person", "my uncle died by suicide when i was young"),
        ("third_person", "my friend is cutting herself and im scared for her"),
        ("third_person", "my brother overdosed last year"),
        ("fiction_media", "the documentary about suicide was powerful"),
        ("fiction_media", "reading a novel where the hero overdoses"),
        ("fiction_media", "that film about self harm was intense"),
        ("past_recovery", "three years since i last self harmed"),
        ("past_recovery", "i used to want to die, now i love my life"),
        ("past_recovery", "two years since my overdose and i'm doing well"),
        ("quoted_title", 'we watched "The Virgin Suicides"'),
        ("quoted_title", 'listening to "Better Off Dead" by sleeping with sirens'),
        ("quoted_title", 'reading "I Want to Die but I Want to Eat Tteokbokki"'),
        # title case keeps short prepositions in lower case, however long
        ("quoted_title", "next up for the club is 'Goodbye Letters from the Bridge'"),
        ("quoted_title", "my aunt lent me 'Suicide Notes from Strangers' and i couldnt put it down"),
        ("idiom", "this cold is killing me"),
        ("idiom", "dying to see you all"),
        ("idiom", "i'd kill for a nap"),
        ("everyday_low_mood", "feeling down today"),
        ("everyday_low_mood", "lonely and tired"),
        ("everyday_low_mood", "work is getting me down"),
        ("medication_normal", "took my meds"),
        ("medication_normal", "my dose went up"),
        ("medication_normal", "took two ibuprofen"),
        ("negated_clear", "im not suicidal, just exhausted"),
        ("negated_clear", "no self harm urges this week"),
        ("negated_clear", "id never hurt my daughter"),
        # a setting named earlier in the text frames its topic words; a part of a work or a
        # lesson; PSHE, an NGO, a zine; a job with its grade or years; a patient as "pt"
        ("prevention_work", "finished my samaritans training. the module on overdose was heavy"),
        ("prevention_work", "volunteered at the helpline last night. four calls about suicide"),
        ("prevention_work", "we teach a pshe lesson on self harm to year 10"),
        ("prevention_work", "volunteer with an ngo. so many overdose cases in the city"),
        ("prevention_work", "printing our zine about suicide and grief for the student union"),
        ("professional", "district nurse. three overdoses on my rounds today"),
        ("professional", "detective constable 15 years. attended another suicide today"),
        ("professional", "reviewed a pt after an od on nights"),
        ("professional", "two jumpers from the car park this week, rough month on the ambulance"),
        ("professional", "lecturing pharmacy students on lethal doses tomorrow"),
        ("fiction_media", "watching a kdrama. in ep 3 the hero tries to overdose"),
        ("fiction_media", "the game's cutscenes show a suicide and it was handled well"),
        ("fiction_media", "the self harm chapters in that memoir were hard going"),
        ("quoted_title", "'better off dead' is a great 80s film"),
        ("quoted_title", "'overdose' is such a banger"),
        ("quoted_title", "the workshop was called 'talking about suicide'"),
        ("quoted_title", "blasting 'kill yourself' in the car on the way to work"),
        ("third_person", "my son (15) is self harming and i am lost"),
        ("third_person", "a lad at youth club keeps saying 'kms' about homework"),
        ("past_recovery", "took an overdose in 2015. the crisis team saved my life and i am doing well"),
        ("past_recovery", "was suicidal through most of my twenties. it did not last forever"),
        ("past_recovery", "five years today since my overdose. still here"),
        ("past_recovery", "I wanted to die every single day. That was a decade ago. Now I coach football."),
        ("past_recovery", "attempted suicide at uni. sharing my story at the new members night"),
        ("negated_clear", "my gp asked if i was having thoughts of suicide. honestly, no."),
        ("negated_clear", "the nurse asked whether i had hurt myself and i said no and meant it"),
        ("idiom", "id rather die than ring the bank again"),
        # widened after held-out 15: "never once", a past year told with an event, telling the
        # group, a job's callout, a first aider, a food
        ("negated_clear", "rough day but never once thought about not being here"),
        ("past_recovery", "was suicidal most of 2019 after the divorce. told my story at group today"),
        ("past_recovery", "told the group about my overdose at 19, felt lighter after"),
        ("professional", "another suicide callout, third this year"),
        ("prevention_work", "im a mental health first aider now, we learned how to ask about self harm"),
        ("idiom", "overdosed on sausage rolls at the footy"),
        ("idiom", "overdosed on caffeine for this exam, hands are shaking lol"),
        ("idiom", "od on chocolate and crisps again"),
        # near the phrases added after held-out 16
        ("idiom", "nothing else to try on this recipe"),
        ("everyday_low_mood", "the cut went deeper than usual on the chopping board"),
        ("everyday_low_mood", "asked the teacher so nobody would ask questions in class"),
        ("everyday_low_mood", "checked out of the hotel early"),
        ("negated_clear", "im not a danger to myself anymore, my care coordinator agrees"),
        # a beginning behind the writer, told with now
        ("past_recovery", "when i first got sober i wanted to die most days. 2 years now and grateful"),
        # near the phrases added after held-out 18
        ("everyday_low_mood", "si is back at work tomorrow"),
        ("everyday_low_mood", "took 2 weeks of holiday at once"),
        ("everyday_low_mood", "cancelled the gym, too expensive"),
    ],
)
def test_harmless_contexts_are_not_flagged(context: str, text: str) -> None:
    assert is_clear(screen_text(text)), (context, load_phrase_list().explain(text))


@pytest.mark.parametrize(
    ("text", "in_context"),
    [
        ("my brother overdosed last year and it still hurts", True),  # someone else's
        ("I'm not thinking of suicide, just tired", True),  # negated
        ("ten years since I last cut myself, proud of me", True),  # a past recovered from
        ("did my shift on the crisis line, two calls about overdoses", True),  # prevention work
        ("a nurse, I see overdoses every shift", True),  # a job
        ("'better off dead' is a great 80s film", True),  # a title
        ("walking for suicide awareness on saturday", False),  # a subject, no context read
        ("had a lovely walk with the dog", False),  # no risk words at all
        ("I want to die", False),  # flagged: the list read no harmless context
    ],
)
def test_the_list_says_when_it_read_each_risk_word_in_a_harmless_context(text: str, in_context: bool) -> None:
    """The second opinion must be surer to overrule such a reading (test_second_opinion.py)."""
    assert screen_text(text).in_harmless_context is in_context, load_phrase_list().explain(text)


@pytest.mark.parametrize(
    "text",
    [
        "watched a film about suicide and now i cant stop thinking about doing it",
        "my brother died by suicide and i keep thinking about joining him",
        "i volunteer at a crisis line but honestly ive been suicidal myself lately",
        "as a nurse i see overdoses, but ive been thinking about taking an overdose myself",
        "i used to cut and ive started again",
        "two years clean but i relapsed and cut last night",
        "my friend self harms and i want to kill myself",
        # a job or a past event named beside it
        "I'm a nurse and tonight I'm going to take the lot",
        "paramedic here, did two overdoses on shift and I want to overdose myself",
        "after mum died I want to die, today is awful",
        "as a researcher on suicide I know I am suicidal right now",
        "two overdoses this month and I dont care if I wake up",
        # prevention work, a frame, a book, a third person, reported words, an answer, a past
        "I teach PSHE and tonight I'm going to take them all",
        "did my crisis line shift. I want to kill myself tonight",
        "finished the asist training and honestly i want to die",
        "the self harm chapters made me cut again",
        "my daughter (14) is self harming and so am i",
        "a lad at group keeps saying 'kms' and honestly same",
        "my gp asked if i had thoughts of suicide and i said yes",
        "the nurse asked if i was suicidal. i said no but honestly i am",
        "took an overdose in 2019, therapy saved me, but tonight i want to take another",
        "my brain keeps playing 'kill yourself' on repeat",
        # a frame set earlier never covers an act or a state told without its subject
        "did the first aid course, of course. overdosed last night",
        "volunteer on the helpline. suicidal.",
        "pshe lesson today. self harmed after",
        "never once thought i would want to kill myself but here i am",
        "i was suicidal most of last year and i still am",
        "mental health first aider at work but i cut myself last night",
        "when i first came here i wanted to die and i still do",
        "when i first woke up i wanted to die",
        # the writer in another language, nearer than the person or the job named before
        "mon frère est mort et je pense au suicide tous les jours",
        "ik ben verpleegkundige maar ik denk zelf aan suïcide",
        "im fine honestly, just keep driving past the cliffs most days",
        # "suspects" is not someone else
        "gonna wait til after the visit so no one suspects, then take everything in the cupboard",
    ],
)
def test_a_first_person_risk_now_wins_over_a_harmless_context(text: str) -> None:
    result = screen_text(text)
    assert result.flagged, load_phrase_list().explain(text)
    assert result.urgency == URGENT


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I'm not going to hurt myself but I want to disappear", "wish to be dead"),
        ("im not going to kill myself, but i keep thinking about it", "suicidal thoughts"),
        ("i won't act on it but the thoughts of killing myself are loud", "suicidal thoughts"),
        ("im not suicidal, i just dont want to wake up", "wish to be dead"),
        ("i'm not going to cut, but the urge is so strong tonight", "self-harm"),
    ],
)
def test_negation_lowers_the_urgency_without_hiding_the_risk(text: str, reason: str) -> None:
    result = screen_text(text)
    assert result.flagged, load_phrase_list().explain(text)
    assert reason in result.reasons
    assert result.urgency == LOWER


@pytest.mark.parametrize(
    "text",
    [
        "im not going to kill myself tonight, ive got the pills ready",
        "i wont do anything but i have a plan to end my life",
        "im not going to hurt myself, im not safe right now",
    ],
)
def test_negation_never_lowers_a_method_plan_preparation_or_not_being_safe(text: str) -> None:
    assert screen_text(text).urgency == URGENT


@pytest.mark.parametrize("text", ["im not going to kill myself", "I would never hurt my kids"])
def test_a_negated_risk_alone_is_not_flagged(text: str) -> None:
    assert is_clear(screen_text(text))


@pytest.mark.parametrize(
    "text", ["blew my nose in the meeting", "got a nose piercing today", "a bit on the nose, that song"]
)
def test_a_nose_is_not_read_as_a_noose(text: str) -> None:
    """Read with its double letter once, "noose" was "nose", and these were urgent flags."""
    assert is_clear(screen_text(text)), text


@pytest.mark.parametrize(
    "text", ["bought a noose today", "the nooose is in the shed", "keep thinking about the noose again"]
)
def test_a_noose_is_still_a_method_however_it_is_typed(text: str) -> None:
    result = screen_text(text)
    assert result.flagged and result.urgency == URGENT, text


def test_a_distant_past_without_recovery_is_flagged_at_lower_urgency() -> None:
    result = screen_text("I overdosed on pills when I was younger.")
    assert result.flagged and result.urgency == LOWER


@pytest.mark.parametrize(
    "text",
    [
        "day 41 clean and honestly id rather not wake up tomorrow",
        "40 days sober and i want to die",
        "a year free from cutting and i want to hurt myself",
        "sober since march and i dont want to be here anymore",
    ],
)
def test_a_recovery_told_before_the_writer_turns_to_their_present_does_not_hide_it(text: str) -> None:
    """The list alone flags these; they read as recoveries when "clean" or "sober" reached the
    phrase across the turn."""
    result = screen_text(text)
    assert result.flagged and result.urgency == URGENT, text


@pytest.mark.parametrize(
    "text",
    [
        "2 years clean and i no longer want to die",
        "sober 5 years and i wanted to die every day before that",
        "i wanted to kill myself back then but im in recovery now",
    ],
)
def test_a_recovery_after_the_turn_or_of_a_phrase_told_in_the_past_still_counts(text: str) -> None:
    assert is_clear(screen_text(text)), text


def test_every_flag_on_the_development_set_carries_known_reasons_and_an_urgency() -> None:
    for text, _, _ in _labelled(DEV_FILE):
        result = screen_text(text)
        if result.flagged:
            assert result.reasons and set(result.reasons) <= REASONS, text
            assert result.urgency in (URGENT, LOWER)
            assert result.categories and set(result.categories) <= set(CATEGORIES)
        else:
            assert (result.reasons, result.urgency) == ((), "")


def test_a_stored_flag_keeps_the_reasons_and_the_urgency(live_session) -> None:
    flag = safety_services.screen_participant_text(
        live_session, "I'm not going to hurt myself but I want to disappear", "checkin_note"
    )
    db.session.commit()

    assert flag is not None
    assert (flag.reasons, flag.urgency) == (["wish to be dead"], LOWER)
    assert flag.categories == ["suicide"] and flag.matched


def test_an_older_list_with_one_list_per_category_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text('[risk_phrases]\noverdose = ["took (all|every one of) my pills"]\n', encoding="utf-8")

    result = screen_text("I took all my pills", load_phrase_list(path))

    assert (result.categories, result.reasons, result.urgency) == (("overdose",), ("overdose",), URGENT)


@pytest.mark.parametrize(
    ("phrase", "text", "flagged"),
    [
        ("cut <end>", "i cut", True),
        ("cut <end>", "i cut, then i cried", True),
        ("cut <end>", "i cut the cake", False),
        ("cut (again|<end>)", "cut again today", True),
        ("cut (again|<end>)", "i cut", True),
        ("cut (again|<end>)", "i cut bread", False),
        # <end> after the words of one alternative ends the clause for that alternative alone
        ("lucky to (walk again|walk <end>)", "lucky to walk", True),
        ("lucky to (walk again|walk <end>)", "lucky to walk again", True),
        ("lucky to (walk again|walk <end>)", "lucky to walk home", False),
        ("lucky to (walk again|walk <end>)", "lucky to walk end", False),
        # ... and a prefix before it still starts the phrase at any word it begins
        ("(cut* <end>|burnt myself)", "i was cutting", True),
        ("(cut* <end>|burnt myself)", "i was cutting bread", False),
    ],
)
def test_end_of_clause_syntax(tmp_path: Path, phrase: str, text: str, flagged: bool) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(
        f'[constructs.cuts]\ncategory = "self_harm"\nreason = "self-harm"\n'
        f"phrases = [{json.dumps(phrase)}]\n",
        encoding="utf-8",
    )
    assert screen_text(text, load_phrase_list(path)).flagged is flagged


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        ("killing myself slowly", ("kill* myself",)),  # the prefix's entry, at a word with its own
        ("killing it at work today", ("killing it",)),  # the word's own entry
        ("i kill myself", ("kill* myself",)),
    ],
)
def test_a_word_that_starts_entries_of_its_own_and_a_prefixs_tries_both(
    tmp_path: Path, text: str, entries: tuple[str, ...]
) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(
        '[constructs.words]\ncategory = "suicide"\nreason = "words"\n'
        'phrases = ["killing it", "kill* myself"]\n',
        encoding="utf-8",
    )
    assert screen_text(text, load_phrase_list(path)).matched == entries


@pytest.mark.parametrize("path", list(HELDOUT_FLOORS), ids=lambda path: path.name)
def test_figures_on_the_held_out_sets_do_not_fall(path: Path) -> None:
    """The honest figure: text the screen was never built from. Prints every miss and false flag."""
    evaluation = evaluate(path)
    print("\n" + evaluation.report(path.name))
    recall_floor, precision_floor = HELDOUT_FLOORS[path]
    floors = f"floors: recall {recall_floor}, precision {precision_floor}\n{evaluation.report(path.name)}"
    assert evaluation.recall >= recall_floor, floors
    assert evaluation.precision >= precision_floor, floors


@pytest.mark.parametrize(
    ("path", "ceiling"),
    [
        (HELDOUT_EVERYDAY, EVERYDAY_FLAGGED_CEILING),
        *(
            (path, EVERYDAY_EXCEPTIONS.get(path, EVERYDAY_LATER_FLAGGED_CEILING))
            for path in HELDOUT_EVERYDAY_LATER
        ),
        # in the languages of batch AE: the first eight are now training data, and guard it
        *((path, EVERYDAY_EXCEPTIONS.get(path, EVERYDAY_AE_FLAGGED_CEILING)) for path in HELDOUT_EVERYDAY_AE),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else "",
)
def test_few_ordinary_texts_are_flagged_on_the_held_out_everyday_sets(path: Path, ceiling: float) -> None:
    """Most of what people write is ordinary: "ok", "walked the dog", "can we talk after"."""
    evaluation = evaluate(path)
    print("\n" + evaluation.report(path.name))
    flagged = sum(figures.flagged for figures in evaluation.by_category.values()) / evaluation.texts
    assert flagged <= ceiling, evaluation.report(path.name)


def test_held_out_sentences_are_kept_out_of_the_data_the_screen_learns_from() -> None:
    def folded(texts: Iterable[str]) -> set[str]:
        return {" ".join(text.lower().split()) for text in texts}

    learnt_from = folded(t.text for t in model_training.training_texts())
    held_out = (*HELDOUT_FLOORS, HELDOUT_EVERYDAY, *HELDOUT_EVERYDAY_LATER, *HELDOUT_EVERYDAY_AE)
    measuring = [path for path in held_out if path not in model_training.TRAINING_FILES]
    fresh_since_42 = (
        HELDOUT_42,
        HELDOUT_43,
        HELDOUT_44,
        HELDOUT_45,
        HELDOUT_46,
        HELDOUT_47,
        HELDOUT_48,
        HELDOUT_49,
        HELDOUT_50,
        HELDOUT_51,
        HELDOUT_52,
        HELDOUT_53,
        HELDOUT_54,
        HELDOUT_55,
        HELDOUT_56,
        HELDOUT_57,
        HELDOUT_58,
        HELDOUT_59,
        HELDOUT_60,
        HELDOUT_61,
        HELDOUT_62,
        HELDOUT_63,
        HELDOUT_64,
        HELDOUT_65,
        HELDOUT_66,
        HELDOUT_67,
        HELDOUT_68,
        HELDOUT_69,
        HELDOUT_70,
        HELDOUT_71,
    )
    unspent = {HELDOUT, *fresh_since_42, HELDOUT_EVERYDAY, *HELDOUT_EVERYDAY_LATER}
    assert unspent <= set(measuring)
    for path in measuring:
        texts = folded(text for text, _, _ in _labelled(path))
        assert len(texts) >= 295  # everyday sets repeat a few short texts ("ok", "tired"; 296 in the 28th)
        assert not texts & learnt_from, path.name


# Preparatory behaviour and overdose told as an amount just taken (C-SSRS preparatory behaviour:
# collecting pills, obtaining a means, giving away valuables, writing a note, putting affairs in
# order; NICE NG225: self-poisoning). Several phrasings each, none of them a held-out text.
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("swallowed about twenty of the co-codamol an hour ago", "overdose"),
        ("took half a packet of sleeping tablets with my tea", "overdose"),
        ("necked like 12 nurofen, feeling sick", "overdose"),
        ("popped maybe fifteen of my mums tramadol", "overdose"),
        ("took the whole lot of my prescription at once", "overdose"),
        ("took my weeks meds in one go", "overdose"),
        ("had a litre of cider and the rest of my zopiclone", "overdose"),
        ("mixed the clonazepam with the wine", "overdose"),
        ("I'm a nurse and tonight I'm going to take the lot", "overdose"),
        ("been saving up my meds for weeks", "preparation or goodbye"),
        ("ive been hoarding them", "preparation or goodbye"),
        ("keeping the sertraline instead of taking it", "preparation or goodbye"),
        ("putting one or two tablets aside every night", "preparation or goodbye"),
        ("got a little stash of painkillers in my sock drawer", "preparation or goodbye"),
        ("cheeking my meds on the ward", "preparation or goodbye"),
        ("bought a length of rope from the garden centre", "preparation or goodbye"),
        ("gave my dads medals to my nephew", "preparation or goodbye"),
        ("gave the dog to my sister", "preparation or goodbye"),
        ("found a new home for the cat yesterday", "preparation or goodbye"),
        ("sorting my will this week", "preparation or goodbye"),
        ("put my paperwork in order so nobody has to", "preparation or goodbye"),
        ("showed my son where to find the bank stuff", "preparation or goodbye"),
        ("wrote down all my passwords for her", "preparation or goodbye"),
        ("left the keys and a letter on the table", "preparation or goodbye"),
        ("recorded a message for the kids to watch when theyre older", "preparation or goodbye"),
        ("i know where and ive decided when", "plan"),
        # acts each ordinary alone, two or more together (C-SSRS item 6; AFSP: putting affairs
        # in order); a plan told as a booking for one; a means got, or a mark, taken up
        ("cancelled my broadband and paid off the klarna, all sorted now", "preparation or goodbye"),
        ("wiped my browser history and cancelled all my subscriptions", "preparation or goodbye"),
        ("didnt renew the tenancy and moved my savings into my daughters account", "preparation or goodbye"),
        ("wrote the note. rewrote it over and over", "preparation or goodbye"),
        ("rang all my old mates just to say thank you. sent thank you cards", "preparation or goodbye"),
        ("arranged for the cats to stay with my sister. paid the rent ahead", "preparation or goodbye"),
        ("sorted my funeral wishes, hymns chosen", "preparation or goodbye"),
        ("wrote a letter for the kids just in case", "preparation or goodbye"),
        # a goodbye told as what it was, once done (added after held-out 45)
        ("hugged my sister at the station. she doesnt know it was goodbye", "preparation or goodbye"),
        ("sat with my dad all afternoon, wanted that to be his last memory of me", "preparation or goodbye"),
        ("my bank card and the pin are in an envelope for my daughter now", "preparation or goodbye"),
        ("stood at the headstone and told her ill be with you soon", "preparation or goodbye"),
        ("said thank you for everything tonight. it was my goodbye really", "preparation or goodbye"),
        ("paid for my funeral plan and stopped my repeat prescriptions", "preparation or goodbye"),
        ("said thank you for everything. wanted them to hear it first", "preparation or goodbye"),
        ("booked a cabin for saturday. nobody knows where", "plan"),
        ("reserved a room at the premier inn, party of one. no return", "plan"),
        ("got a motel room. wont be checking out", "plan"),
        ("got new blades. havent used them yet", "self-harm"),
        ("picked up some blades, not for shaving", "self-harm"),
        ("my scars are fading and i want fresh ones", "self-harm"),
    ],
)
def test_preparation_and_an_amount_just_taken_are_flagged_urgent(text: str, reason: str) -> None:
    result = screen_text(text)
    assert result.flagged, (text, load_phrase_list().explain(text))
    assert reason in result.reasons, result.reasons
    assert result.urgency == URGENT


@pytest.mark.parametrize(
    ("context", "text"),
    [
        ("professional", "paramedic life, four overdoses before midnight"),
        ("professional", "coroner's officer here, two suspected suicides on the desk"),
        ("professional", "nursing student, first placement on a ward with self harm patients"),
        ("professional", "my dissertation is on suicide in farmers"),
        ("professional", "pharmacology lecture on paracetamol overdose today"),
        ("professional", "work in A&E, did three overdoses tonight"),
        ("prevention_work", "did a talk for the apprentices about suicide in construction"),
        ("prevention_work", "quilt squares for families bereaved by suicide"),
        ("fiction_media", "the doco on overdoses in glasgow was grim"),
        ("past_recovery", "after my wife died I was suicidal for a while. im good now"),
        ("past_recovery", "when I lost my job I wanted to die. Now I run a café"),
        ("medication_normal", "took 2 paracetamol for my headache"),
        ("medication_normal", "i take 12 tablets a day for my heart"),
        ("medication_normal", "collected my prescription from the chemist"),
        ("medication_normal", "counted out my pills for the week"),
        ("ordinary", "bought some climbing gear with my mate"),
        # one act of order alone, and means named twice in a walk, are everyday
        ("ordinary", "cancelled my gym membership, too expensive"),
        ("ordinary", "paid off my credit card today!"),
        ("ordinary", "booked a hotel in york for the weekend"),
        ("ordinary", "wrote a quick note for the window cleaner"),
        ("ordinary", "bought new razors, havent used them yet, the old ones are blunt"),
        ("ordinary", "my scars are fading and i love it"),
        ("ordinary", "walked over the harbour bridge to the cliffs"),
    ],
)
def test_work_prevention_fiction_and_recovered_pasts_are_not_flagged(context: str, text: str) -> None:
    assert is_clear(screen_text(text)), (context, load_phrase_list().explain(text))


# Harm to others told as an urge held back, a threat or revenge (NICE NG10; the 988 Lifeline's
# "rage, seeking revenge"); preparation as quiet acts of order (C-SSRS preparatory behaviour;
# AFSP: giving away possessions, a sudden calm); any self-injury and a relapse of it (NICE
# NG225). Several phrasings per pattern, other relatives, possessions, tools and injuries than any
# held-out text, ESL grammar too.
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # an urge to hurt a child or someone at home, held back
        ("nearly shook my granddaughter when she wouldnt stop screaming", "harm to others"),
        ("i wanted to smack my stepson so hard, had to leave the room", "harm to others"),
        ("walked out before i hit my nephew", "harm to others"),
        ("grabbed my toddler too hard again tonight", "harm to others"),
        ("thinking to beat my daughter with the belt so she learns", "harm to others"),
        # threats, in plain and ESL grammar, a weapon at hand
        ("if my lodger touch my food again i break his jaw", "harm to others"),
        ("one more word from my foreman and ill knife him", "harm to others"),
        ("i swear ill kick his head in when i see him", "harm to others"),
        ("keep imagining pushing my cousin down the stairs", "harm to others"),
        ("gonna run my ex over in the car park", "harm to others"),
        ("going round his place tomorrow with a crowbar", "harm to others"),
        ("got a blade in my coat for when i see her", "harm to others"),
        ("the voices keep telling me to hurt my flatmate", "harm to others"),
        # revenge
        ("the dealer who ripped me off, he will bleed", "harm to others"),
        ("she gonna suffer for this", "harm to others"),
        ("planning my revenge on the guy who robbed my mum", "harm to others"),
        ("ill make the bookie pay for what he did", "harm to others"),
        ("that screw wont see christmas if i get my hands on him", "harm to others"),
        # quiet acts of order
        ("gave my rosary and good boots to my brother yesterday", "preparation or goodbye"),
        ("passing my fishing rods to the lad next door, wont need them", "preparation or goodbye"),
        ("handed my 10 year coin to my sponsor and didnt say why", "preparation or goodbye"),
        ("gave my cousin all my vinyl and the camera", "preparation or goodbye"),
        ("put the house in my sons name this week", "preparation or goodbye"),
        ("signed the ute over to my brother", "preparation or goodbye"),
        ("wrote a list of who gets what, it's on the fridge", "preparation or goodbye"),
        ("sorted out who gets my watch", "preparation or goodbye"),
        ("feel at peace now that i have decided", "preparation or goodbye"),
        ("settling my affairs before the weekend", "preparation or goodbye"),
        ("rehomed the cats with my neighbour", "preparation or goodbye"),
        # any self-injury, and a relapse of it
        ("been biting my wrists till they bruise", "self-harm"),
        ("dug my nails into my palms until they bled", "self-harm"),
        ("i keep banging my head against the wall when it gets loud", "self-harm"),
        ("put my fist through the mirror", "self-harm"),
        ("pressed a lighter to my arm during the meeting", "self-harm"),
        ("burnt me leg with a lighter", "self-harm"),
        ("took the blade out of my sharpener again", "self-harm"),
        ("went back to the razor last night", "self-harm"),
        ("relapsed on cutting after 6 months", "self-harm"),
        ("reset my sh counter this morning", "self-harm"),
        ("clean from self harm and then tonight back to day one", "self-harm"),
        ("fresh marks on my thighs again", "self-harm"),
        # widened from held-outs 29 and 30's misses, before held-out 31 judged it
        ("dear lord please take me tonight", "wish to be dead"),
        ("i ask god every morning to just take me home", "wish to be dead"),
        ("felt jealous of whoever was in the coffin at the service", "wish to be dead"),
        ("when someone dies i feel kind of jealous", "wish to be dead"),
        ("my mind is full of suicide lately", "suicidal thoughts"),
        ("not for the view, i keep going back to that cliff path", "method or means"),
        ("got my late dads rifle out from under the bed", "method or means"),
        ("midnight at the bridge", "plan"),
        ("saw my mum today for the last time", "preparation or goodbye"),
        ("put a letter under the pillow for my wife", "preparation or goodbye"),
        ("paid the last bill, cleared out the flat so it is simple for them", "preparation or goodbye"),
        ("handing over the discord server ownership, gave my skins to my cousin", "preparation or goodbye"),
        ("burnt myself with the lighter instead", "self-harm"),
        ("skipping meals as punishment again", "self-harm"),
        ("bought some blades today, i dont even shave with them", "self-harm"),
        ("i took all the medicine", "overdose"),
        ("theyd all be better off", "hopelessness"),
        ("the kids are better off without a mum like me", "hopelessness"),
        ("my life feels like a dead end", "hopelessness"),
        ("stuck in a tunnel with no light", "hopelessness"),
        ("swear ill swing for her", "harm to others"),
        ("i could wring his scrawny neck", "harm to others"),
        ("chucked a mug at my husband last night", "harm to others"),
        ("bringing a knife to the warehouse for my supervisor", "harm to others"),
        ("gonna run that driver off the road", "harm to others"),
        # widened from held-out 31's misses, before held-out 32 judged it
        ("i dont want any more birthdays", "wish to be dead"),
        ("walked past the viaduct four times tonight", "method or means"),
        ("been eyeing the weedkiller in the garage lately", "method or means"),
        ("moved the shotgun into my bedroom", "method or means"),
        ("hugged my son longer than usual, put a letter where hell find it", "preparation or goodbye"),
        ("wrote the letter and tucked it under the mat, so shell find it", "preparation or goodbye"),
        ("you have all been so good to me. bye all", "preparation or goodbye"),
        ("looked into funeral costs, the man thought i was asking for my mum", "preparation or goodbye"),
        ("took double my sertraline and then some more", "overdose"),
        ("could wring the landlords neck", "harm to others"),
        ("i swear ill bury him under the slab", "harm to others"),
        ("my ex is gonna get whats coming", "harm to others"),
        ("hit my girlfriend across the face", "harm to others"),
        # widened from held-out 32's misses, before held-out 33 judged it
        ("what reason do i have to keep going", "hopelessness"),
        ("swear ill put my fist through his face", "harm to others"),
        ("pushed my mum down the stairs last night", "harm to others"),
        ("i have it timed for when the kids are at their dads", "plan"),
        ("i went to see my grandad at the home one last time", "preparation or goodbye"),
        ("needed to hug them before", "preparation or goodbye"),
        ("if i dont check in again, thank you all", "preparation or goodbye"),
        ("i envy my late brother, at least he has peace", "wish to be dead"),
        ("i no dey safe for this house", "not safe right now"),
        ("i see no future", "hopelessness"),
        ("threw a glass at her head", "harm to others"),
        ("i will batter the next guy who says that", "harm to others"),
    ],
)
def test_urges_threats_quiet_order_and_any_self_injury_are_flagged(text: str, reason: str) -> None:
    result = screen_text(text)
    assert result.flagged, (text, load_phrase_list().explain(text))
    assert reason in result.reasons, (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        # idioms shaped like threats
        "I could kill my brother for eating my chips",
        "i'll murder my flatmate if she finishes the milk again",
        "gonna batter the lads at pool tonight",
        "hit my sister up later about the bbq",
        "throwing my grandson a party on sunday",
        "careful, you'll break your neck on that ladder",
        "working on my revenge body for summer",
        "took the hammer round to fix her shelves",
        "my boss will kill me if im late",
        # ordinary gifts and wills, told with their reason
        "gave my old coat to the charity shop",
        "gave my old laptop to my nephew for school",
        "gave my guitar to my niece for her birthday",
        "gave my old bike to my neighbour since i got a new one",
        "we made our wills after the baby was born",
        "the solicitor helped mum and dad with their wills",
        # injuries that are not self-injury
        "hurt my knee playing football",
        "bit my tongue in the tackle at rugby",
        "banged my head on the cupboard door",
        "cut me hand on a tin can",
        "the dog bit my hand at the park",
        "new bruises on my legs from football",
        # contexts made tighter
        "the soap had an overdose scene tonight, good they showed the helpline",
        "handing out the self-harm leaflet at the fair",
        "folks think we kill people on the ward, we dont",
    ],
)
def test_idioms_gifts_wills_and_injuries_near_the_new_phrases_stay_clear(text: str) -> None:
    assert is_clear(screen_text(text)), (text, load_phrase_list().explain(text))


def test_cues_count_together_only_in_a_construct_whose_table_says_so(tmp_path: Path) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(
        """
        [constructs.order]
        category = "suicide"
        reason = "preparation or goodbye"
        cues_together = true
        cues = ["cancelled my phone", "paid off my card"]

        [constructs.places]
        category = "suicide"
        reason = "method or means"
        phrases = ["jump off the bridge"]
        cues = ["the bridge", "the cliff"]
        """,
        encoding="utf-8",
    )
    phrases = load_phrase_list(path)

    together = screen_text("cancelled my phone and paid off my card", phrases)
    assert together.reasons == ("preparation or goodbye",)
    assert not screen_text("cancelled my phone", phrases).flagged
    assert not screen_text("walked from the bridge to the cliff", phrases).flagged


def test_someone_named_as_an_object_is_not_who_the_next_verb_is_about() -> None:
    assert screen_text("signed the bike over to my sister and found a home for the cat").flagged
    assert not screen_text("interpreting for a patient after a suicide attempt").flagged


# Plain first-person phrases in Dutch, German, French, Italian and Portuguese (added after held-out
# 53, where the writers mixing those languages with English were read worst): the same warning
# signs as the English ones, as those countries' crisis lines put them. One phrasing per entry,
# none of them a held-out text; each fails without its entry.
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ik wil gewoon dood, alles is te zwaar", "wish to be dead"),
        ("ik wil eigenlijk niet meer leven", "wish to be dead"),
        ("ik hoop morgen niet meer wakker te worden", "wish to be dead"),
        ("was ik maar dood", "wish to be dead"),
        ("ik wou dat ik er niet meer was", "wish to be dead"),
        ("liever dood dan nog een winter zo", "wish to be dead"),
        ("ich will einfach nicht mehr aufwachen", "wish to be dead"),
        ("wäre am liebsten tot", "wish to be dead"),
        ("wünschte ich wäre tot", "wish to be dead"),
        ("morgen früh nicht mehr aufwachen", "wish to be dead"),
        ("einschlafen und nicht mehr aufwachen wäre schön", "wish to be dead"),
        ("je voudrais juste disparaître", "wish to be dead"),
        ("j'ai envie de mourir ce soir", "wish to be dead"),
        ("je prie pour ne plus me réveiller", "wish to be dead"),
        ("plutôt morte que de continuer comme ça", "wish to be dead"),
        ("vorrei solo sparire", "wish to be dead"),
        ("non voglio più vivere così", "wish to be dead"),
        ("spero di non svegliarmi più domani", "wish to be dead"),
        ("a volte penso: meglio morta", "wish to be dead"),
        ("queria sumir de vez", "wish to be dead"),
        ("não quero mais acordar", "wish to be dead"),
        ("só queria deitar e não acordar mais", "wish to be dead"),
        ("preferia estar morta", "wish to be dead"),
        ("ik denk erover mezelf van kant te maken", "suicidal thoughts"),
        ("ik wil er een einde aan maken", "suicidal thoughts"),
        ("ik wil mijn leven beëindigen", "suicidal thoughts"),
        ("ich denke daran mich umzubringen", "suicidal thoughts"),
        ("ich bring mich heute um.", "suicidal thoughts"),
        ("ich will meinem Leben ein Ende setzen", "suicidal thoughts"),
        ("ich will mit allem Schluss machen", "suicidal thoughts"),
        ("j'ai envie de me foutre en l'air", "suicidal thoughts"),
        ("je pense à mettre fin à mes jours", "suicidal thoughts"),
        ("je veux en finir avec tout", "suicidal thoughts"),
        ("j'ai des idées noires depuis lundi", "suicidal thoughts"),
        ("penso di ammazzarmi", "suicidal thoughts"),
        ("voglio farla finita stasera", "suicidal thoughts"),
        ("tô pensando em me matar", "suicidal thoughts"),
        ("penso em tirar minha vida", "suicidal thoughts"),
        ("quero acabar com tudo de vez", "suicidal thoughts"),
        ("ik denk aan mezelf ophangen in de schuur", "method or means"),
        ("ik wil voor de trein springen", "method or means"),
        ("ich will mich erhängen", "method or means"),
        ("ich will vor einen Zug springen", "method or means"),
        ("j'ai pensé à me pendre", "method or means"),
        ("j'ai envie de sauter du pont", "method or means"),
        ("penso di buttarmi sotto un treno", "method or means"),
        ("pensei em me jogar da ponte", "method or means"),
        ("guardei uma corda no porta-malas", "method or means"),
        ("wie viele Tabletten sind tödlich", "method or means"),
        ("mijn afscheidsbrieven liggen klaar", "preparation or goodbye"),
        ("j'ai écrit une lettre d'adieu pour mes enfants", "preparation or goodbye"),
        ("je fais mes adieux doucement", "preparation or goodbye"),
        ("ho lasciato una lettera d'addio sul tavolo", "preparation or goodbye"),
        ("escrevi uma carta de despedida pra minha mãe", "preparation or goodbye"),
        ("vim me despedir de todos", "preparation or goodbye"),
        ("ik heb al mijn spullen weggegeven", "preparation or goodbye"),
        ("hab meine Sachen verschenkt", "preparation or goodbye"),
        ("j'ai distribué toutes mes affaires", "preparation or goodbye"),
        ("ho regalato tutte le mie cose", "preparation or goodbye"),
        ("doei minhas coisas essa semana", "preparation or goodbye"),
        ("ik ben niet veilig bij mezelf vannacht", "not safe right now"),
        ("je ne suis pas en sécurité avec moi-même ce soir", "not safe right now"),
        ("non mi sento al sicuro con me stessa", "not safe right now"),
        ("não estou segura comigo mesma", "not safe right now"),
        ("ik vertrouw mezelf niet vanavond", "not safe right now"),
        ("ich traue mir selbst nicht mehr über den Weg", "not safe right now"),
        ("je ne fais plus confiance à moi-même", "not safe right now"),
        ("stanotte non mi fido di me stessa", "not safe right now"),
        ("não confio mais em mim hoje", "not safe right now"),
        ("ik wil mezelf snijden", "self-harm"),
        ("ich will mich ritzen", "self-harm"),
        ("ich ritze mich wieder", "self-harm"),
        ("je me suis fait du mal ce soir", "self-harm"),
        ("ho voglia di farmi del male", "self-harm"),
        ("mi sono tagliata di nuovo", "self-harm"),
        ("tô com vontade de me cortar", "self-harm"),
        ("me cortei de novo ontem", "self-harm"),
        ("ik heb te veel pillen genomen", "overdose"),
        ("hab eben zu viele Tabletten geschluckt", "overdose"),
        ("j'ai avalé toute la boîte de somnifères", "overdose"),
        ("ho ingoiato tutte le pastiglie", "overdose"),
        ("tomei remédio demais", "overdose"),
        ("engoli todos os comprimidos da caixa", "overdose"),
        ("ik ben een last voor iedereen", "hopelessness"),
        ("ze zijn beter zonder mij", "hopelessness"),
        ("mijn leven heeft geen zin meer", "hopelessness"),
        ("ich bin eine Last für alle", "hopelessness"),
        ("alle wären besser ohne mich", "hopelessness"),
        ("sie wären ohne mich besser dran", "hopelessness"),
        ("ich habe keinen Grund mehr zu leben", "hopelessness"),
        ("je suis un fardeau pour ma famille", "hopelessness"),
        ("ils seraient mieux sans moi", "hopelessness"),
        ("je n'ai aucune raison de vivre", "hopelessness"),
        ("je ne vois plus aucune raison de vivre", "hopelessness"),
        ("il n'y a pas d'issue pour moi", "hopelessness"),
        ("mi sento un peso per la mia famiglia", "hopelessness"),
        ("stareste meglio senza di me", "hopelessness"),
        ("non c'è via d'uscita", "hopelessness"),
        ("non ho nessun motivo per cui vivere", "hopelessness"),
        ("sou um peso pra minha família", "hopelessness"),
        ("vocês ficariam melhor sem mim", "hopelessness"),
        ("não tenho nenhum motivo pra viver", "hopelessness"),
        ("vivo sem razão pra viver", "hopelessness"),
        ("ik ga hem vermoorden", "harm to others"),
        ("ik heb mijn zoon geslagen", "harm to others"),
        ("ich könnte meinen Chef umbringen", "harm to others"),
        ("ich schlag den heute noch zusammen", "harm to others"),
        ("dem würde ich gern eine reinhauen", "harm to others"),
        ("je vais le tuer s'il recommence", "harm to others"),
        ("lo ammazzo se lo rivedo", "harm to others"),
        ("ho voglia di strozzarlo", "harm to others"),
        ("l'ho preso per il collo", "harm to others"),
        ("vontade de matar meu chefe", "harm to others"),
        ("bati no meu filho hoje", "harm to others"),
    ],
)
def test_plain_phrases_in_five_languages_are_flagged_with_their_reason(text: str, reason: str) -> None:
    result = screen_text(text)
    assert result.flagged and reason in result.reasons and result.urgency == URGENT, result


# Their harmless neighbours: idioms, someone else, a denial, a recovered past, a title; and the
# double negation of French, Italian and Portuguese, which is one negation, read as a denial only
# where nothing else is said.
@pytest.mark.parametrize(
    "text",
    [
        "ik ga dood van de hitte in de trein",
        "je suis mort de rire, le chat est tombé du canapé",
        "mi piace da morire questa canzone",
        "tô morta de cansaço mas feliz",
        "Papa sagt ständig, er will sterben. Wie geht ihr damit um?",
        "meine Mitbewohnerin hat gestern zu viele Tabletten genommen, sie ist stabil",
        "non voglio farmi del male, tranquilli, solo una giornata storta",
        "je ne pense pas à me faire du mal, juste fatiguée",
        "não estou pensando em me matar, só cansada",
        "je n'ai aucune envie de mourir, juste besoin de dormir",
        "sono passati sei mesi dall'ultima volta che mi sono fatta del male",
        "la chanson 'Je veux mourir ce soir' passait au supermarché",
        "il capitolo 'Voglio morire' del libro mi ha fatto piangere",
        "het heeft geen zin meer om naar die sportschool te gaan",
    ],
)
def test_their_harmless_neighbours_in_five_languages_stay_clear(text: str) -> None:
    assert not screen_text(text).flagged


# The widenings after held-outs 54 to 65, each judged on the next fresh set (docs/safety.md): in English,
# what is fatal looked up, nothing left to go on for, someone put in hospital, not making it through a
# night, a hole with no way out, a knife in someone, not being safe as a doubt or a place, a weight on
# everyone, a small cut at a time of day, pills then more, half the box, the odd burn, "od'd" and "ODd"; in
# the five languages, a word between, thinking of it in the first person, tired of life, pills kept aside,
# goodbye letters written, the fastest medicine looked up, hurting someone at home (also as a fear), the
# whole stock taken, a height worked out, a goodbye the other does not know is one, passwords left for
# family, hurting oneself again, the idea of ending it, made to look like an accident, a bottle with the
# sedatives, nothing makes sense any more; off the end of a pier, ways to go read about, a key worker
# threatened; after 61, logging out of life in gamers' words, the last time the eyes close, a car's exhaust
# gas, an end put to it and one's life taken in Austrian and Swiss German, a goodbye not noticed, everything
# signed over, pills put aside in Italian, a prescription filled twice, scratching until it bleeds, too many
# tablets in Swiss German, the pills overdone, fighting on for nothing, only taking up space, a knife
# carried for someone. And their neighbours: messages about missing the group, a song that came on, seasons
# and first years told as then, "niet van plan", "asked me about", "not at all" in five languages, rivals
# and sweets, screens and food as treats, "fella", "thinking back", "looking back", "the old me", a move
# told as then, patients and work in five languages, a course of study told as then, "sœur" written with its
# ligature, "odd", puddings, news reports and causes against suicide in five languages, a business partner,
# ways to go somewhere; after 61, logging out of a game, too much coffee, ending kitchen chaos,
# grandchildren, titles in guillemets, the teenage years told as then, a year alone, the weather, years of
# nursing, the bits of a book, help that changed it. After 62 (mostly Swiss German and Austrian dialect):
# suicide haunting one's head, not waking, fading out, an end to everything, a rope looked at, the medicine
# cabinet, a viaduct, a last visit, things given away and not needed, pills gathered, not protecting
# oneself, a cigarette burn, no reason to go on, something done to someone, a son nearly hit, a shot,
# suicidal stuff louder now; and as neighbours a sponsee, a pupil, a guy, the TV news and a Flemish
# series, a few years ago, letters torn up, biscuits, talks started, obs, a film's scene, stopping work.
# After 64, "nothing serious"; after 65, "I'm ending it" with nothing after and medicine not taken and
# saved up, with letters to a pen pal, a relationship ended and stickers saved as neighbours.
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # after held-out 54
        ("been looking up whats lethal with my sleeping tablets", "method or means"),
        ("honestly whats left to live for at this point", "hopelessness"),
        ("if he says it again im putting that guy in an early grave", "harm to others"),
        ("one of these days im putting the shift manager in hospital", "harm to others"),
        ("might not make it till morning tbh", "not safe right now"),
        # after held-outs 55 and 56
        ("ik heb mezelf weer gesneden", "self-harm"),
        ("ich denke oft an Suizid in letzter Zeit", "suicidal thoughts"),
        ("ik denk steeds aan zelfmoord", "suicidal thoughts"),
        ("je pense souvent à mourir ces jours-ci", "suicidal thoughts"),
        ("penso spesso di morire", "suicidal thoughts"),
        ("ando pensando muito em morrer", "suicidal thoughts"),
        ("ich bin so lebensmüde", "wish to be dead"),
        ("hab Abschiedsbriefe an alle geschrieben", "preparation or goodbye"),
        ("não vejo mais razão pra continuar", "hopelessness"),
        ("in a pit i cant crawl out of", "hopelessness"),
        ("ik ben zo bang dat ik hem iets aandoe", "harm to others"),
        ("i could stick a knife in my ex", "harm to others"),
        # after held-out 57
        ("i dont think ill be safe on my own tonight", "not safe right now"),
        ("im not in a safe place right now, can someone call me", "not safe right now"),
        ("je garde mes cachets en réserve depuis un mois", "preparation or goodbye"),
        ("de slaappillen die ik heb opgespaard liggen in de la", "preparation or goodbye"),
        ("ich habe gestern einen Abschiedsbrief", "preparation or goodbye"),
        ("procurei qual comprimido mata sem dor", "method or means"),
        ("a volte penso di fare male a lei quando urla", "harm to others"),
        # after held-out 58
        ("i just cut a bit this morning, its fine", "self-harm"),
        ("honestly im a weight on my family", "hopelessness"),
        ("gisteren de hele voorraad ingenomen", "overdose"),
        ("hab meinen ganzen Vorrat geschluckt", "overdose"),
        ("j'ai avalé tout mon stock hier soir", "overdose"),
        ("ho preso tutta la scorta stamattina", "overdose"),
        ("tomei todo o meu estoque ontem", "overdose"),
        ("took 4 of my tablets then a few more", "overdose"),
        ("ik ben bang dat ik mijn man iets aandoe", "harm to others"),
        ("manchmal denke ich, dass ich meiner Freundin etwas antue", "harm to others"),
        ("je calcule la hauteur du pont tous les soirs", "method or means"),
        # after held-out 59
        ("OD'd on my tablets last night", "overdose"),
        ("ODd on my meds again", "overdose"),
        ("popped about half the packet an hour ago", "overdose"),
        ("still do the odd cut when it gets too much", "self-harm"),
        ("mi sono fatta male apposta ieri sera", "self-harm"),
        ("ho salutato la nonna senza che lo sapesse", "preparation or goodbye"),
        ("je suis passé dire au revoir à mon frère sans qu'il le sache", "preparation or goodbye"),
        ("heb alle wachtwoorden klaargelegd voor mijn kinderen", "preparation or goodbye"),
        # after held-out 60
        ("j'ai envie d'en finir une bonne fois", "suicidal thoughts"),
        ("vorrei farla sembrare un incidente", "method or means"),
        ("keep thinking about walking off the end of the pier", "method or means"),
        ("been googling ways to go", "method or means"),
        ("tomei a garrafa inteira com os remedios", "overdose"),
        ("für mich hat alles keinen Sinn mehr", "hopelessness"),
        ("nada mais faz sentido pra mim", "hopelessness"),
        ("ill hurt that key worker if she says it again", "harm to others"),
        # after held-out 61
        ("honestly wish i could just log out of life", "wish to be dead"),
        ("wil gewoon uitloggen uit het leven", "wish to be dead"),
        ("je veux me déconnecter de la vie", "wish to be dead"),
        ("afk forever sounds good rn", "wish to be dead"),
        ("spero sia l'ultima volta che chiudo gli occhi", "wish to be dead"),
        ("ho pensato di farlo in garage col gas", "method or means"),
        ("ich mach dem heute ein Ende", "intent"),
        ("i dänk immer dra, mir s läbe z näh", "suicidal thoughts"),
        ("j'ai dit au revoir à mon père sans qu'il capte", "preparation or goodbye"),
        ("went round to say goodbye without really saying it", "preparation or goodbye"),
        ("hab alles auf meine Schwester überschrieben", "preparation or goodbye"),
        ("sto mettendo da parte le pillole", "preparation or goodbye"),
        ("got scripts at two pharmacies so i'd have enough", "preparation or goodbye"),
        ("mi sono graffiata fino a sanguinare", "self-harm"),
        ("voltei a cortar-me ontem", "self-harm"),
        ("hab z vill vo mine schlaftablette gno", "overdose"),
        ("overdid the pills on purpose", "overdose"),
        ("wozu noch weiterkämpfen", "hopelessness"),
        ("tou só ocupando espaço aqui", "hopelessness"),
        ("não há motivo nenhum pra continuar", "hopelessness"),
        ("feels like a hole with no way up", "hopelessness"),
        ("heb een mes in mijn jas voor hem", "harm to others"),
        # after held-out 62
        ("zelfmoord spookt constant door mijn hoofd", "suicidal thoughts"),
        ("wott eifach nüme ufwache", "wish to be dead"),
        ("hoping i just fade away tonight", "wish to be dead"),
        ("ich mach jetzt Schluss mit allem", "intent"),
        ("fico olhando pra aquela corda no porão", "method or means"),
        ("je vais prendre tout ce qu'il y a dans l'armoire à pharmacie", "intent"),
        ("sabato vado sul viadotto", "intent"),
        ("je suis allée voir mon père une dernière fois", "preparation or goodbye"),
        ("alles verschenkt und bruuch i eh nüme", "preparation or goodbye"),
        ("hab meine Schlaftabletten gesammelt", "preparation or goodbye"),
        ("i kann mi grad nid selber schütze", "not safe right now"),
        ("hab mich mit der Zigarette verbrannt, mit Absicht", "self-harm"),
        ("ich seh keinen Grund mehr weiterzumachen", "hopelessness"),
        ("i wett em öppis aatue", "harm to others"),
        ("hob fast mein Sohn gschlogn heit", "harm to others"),
        ("qualquer dia dou-lhe um tiro", "harm to others"),
        ("clean 3 months and the suicidal stuff is louder than ever", "suicidal thoughts"),
        ("vorrei che fosse l'ultima volta che chiudo gli occhi", "wish to be dead"),
        ("für was eigentlich no wiiterchämpfe", "hopelessness"),
        # after held-out 65
        ("decided. i'm ending it", "intent"),
        ("havent taken my tablets for days. saving them up", "preparation or goodbye"),
    ],
)
def test_the_widenings_after_held_outs_54_to_65_are_flagged(text: str, reason: str) -> None:
    result = screen_text(text)
    assert result.flagged and reason in result.reasons, result


@pytest.mark.parametrize(
    "text",
    [
        # after held-out 54
        "sorry wont make it tonight, the baby has a fever",
        "I won't make it tomorrow, double shift. see you next week",
        "'Overdose' came on shuffle in the car, what a tune",
        "my dad put me in hospital for my tonsils when i was 6",
        # after held-outs 55 and 56
        "ich denke nicht an Suizid, nur müde",
        "bist du lebensmüde? so schnell auf der Autobahn",
        "ik ben niet van plan mezelf pijn te doen, gewoon moe",
        "the nurse asked me about self harm. I said no, not for years",
        "my son asked if i want to hurt myself. helemaal niet",
        "id rather die than support city",
        "od on the chocolates from the advent calendar",
        "felt suicidal most of college. in a good place now",
        "last winter i wanted to die most days. doing well now",
        "after the factory closed I wanted to die. I'm out the other side now",
        # after held-out 57
        "im not in a safe place financially lol, rent went up again",
        "ik heb ooit een afscheidsbrief geschreven, nu gaat het goed",
        "overdosed on youtube again, still cant knit",
        "that fella from work overdosed at the weekend, hes ok now",
        "thinking back to when i wanted to die every day. so glad im here now",
        # after held-out 58
        "my hair was too long so i just cut a bit off",
        "my mum says she feels like a weight on everyone since the fall",
        "de voorraad wc-papier is op, morgen naar de winkel",
        "je calcule la hauteur du triangle pour mon fils",
        "als verpleegkundige zie ik veel patiënten met suïcidale gedachten",
        "durante il dottorato pensavo al suicidio. ora sto bene",
        "ma sœur a pris trop de cachets hier, elle est à l'hôpital",
        # after held-out 59
        "felt odd but fine today",
        "overdosed on junk food before bed",
        "looking back at when i wanted to die, so glad im here now",
        "when i moved here i was suicidal for a while. doing alright now",
        "ik werk bij een apotheek, de hele dag vragen over overdosering",
        "old me cut myself after days like this. now i go for a run",
        # after held-out 60
        "overdosed on christmas pudding again ha",
        "vu un reportage sur le suicide des jeunes hier soir",
        "domenica corsa benefica contro il suicidio, chi viene?",
        "il mio socio ha preso troppe pastiglie, ora sta meglio",
        "looking up ways to go to Lisbon next month",
        # after held-out 61
        "had to log out of the game, wifi died again",
        "overdosis koffie vandaag haha",
        "ich mache dem Chaos in der Küche heute ein Ende",
        "my grandson started cutting last year, he's in therapy now",
        "qqn a vu « Le Suicidé » au théâtre? c'est samedi",
        "já pensei em suicídio na adolescência, hoje estou bem",
        "I wanted to die when I lost my job. That was 2015. I'm in a good place now.",
        "weather today would kill you, staying in",
        "twenty years nursing and i've seen a lot of overdoses",
        "the self harm bits in that book were hard to read",
        "as a teen I felt like a burden on everyone. Therapy changed that.",
        # after held-out 62
        "my sponsee relapsed last night, he's in hospital but ok",
        "je suis prof, un élève a parlé de suicide en classe aujourd'hui",
        "un gars au boulot a fait une overdose, il va mieux",
        "au JT ils parlaient du suicide des agriculteurs",
        "de reeks over een overdosis op VTM was goed gemaakt",
        "il y a quelques années j'ai voulu en finir. aujourd'hui je vais bien",
        "I remember writing a goodbye letter on the ward. Tore it up long ago, doing well now.",
        "overdosed on hobnobs at the night feed",
        "the mosque is starting talks on suicide and depression",
        "the self harm obs took all night shift",
        "D'Overdose-Szene im Film war heftig",
        "mach jetzt Schluss mit allem für heute, gute Nacht",
        "ich mach jetzt Schluss für heute, bis morgen",
        # after held-out 64
        "weather's grey and so am I but nothing serious",
        # after held-out 65
        "wrote a letter to my pen pal in Chile",
        "I'm ending it with Dave tonight, wish me luck",
        "saving them up for christmas, the kids love the stickers",
    ],
)
def test_the_neighbours_of_those_widenings_stay_clear(text: str) -> None:
    assert not screen_text(text).flagged
