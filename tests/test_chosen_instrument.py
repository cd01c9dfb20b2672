"""Corrected shares use, per theme, the instrument `validate` chooses (issue 11): the model's
flags where the model is chosen, the rules' elsewhere, on the corpus and on the coded turns
alike (the Rogan-Gladen correction needs Se and Sp of the instrument that made the flags)."""
import pandas as pd

from analysis.corpus.load import load_corpus
from analysis.measures.validation import chosen_instrument, coded_sample, coded_training, validation_report


def test_the_chosen_instrument_is_the_reports_choice_and_flags_with_it():
    turns = load_corpus()
    coded = coded_sample(turns)
    training = coded_training(turns)
    instrument = chosen_instrument(turns, coded, training)
    report = validation_report(coded, training=training)
    chosen = report[report["chosen"] == "yes"].groupby("theme")["method"].first().to_dict()
    assert instrument.chosen == chosen
    assert instrument.coded_model is not None
    for theme, method in instrument.chosen.items():
        source = instrument.coded_model if method == "model" else instrument.coded_rules
        pd.testing.assert_series_equal(instrument.coded_flags[theme], source[theme], check_names=False)
    assert len(instrument.turn_flags) == len(turns)
    # a coded turn carries the same flag in the corpus as among the coded turns (same fit, held out alike)
    position = {key: i for i, key in enumerate(zip(turns["doc_id"], turns["turn_id"]))}
    rows = [position[key] for key in zip(coded["doc_id"], coded["turn_id"])]
    for theme in instrument.chosen:
        assert (instrument.turn_flags[theme].to_numpy()[rows] == instrument.coded_flags[theme].to_numpy()).all()
