import io
import json

from stance_cli import main


def test_evaluate_writes_metrics_and_predictions(tiny_checkpoint, tiny_data, tmp_path, capsys):
    assert main(["evaluate", "--checkpoint", str(tiny_checkpoint), "--data", str(tiny_data["dev"]), "--output", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["n"] == 3 and set(metrics["by_country"]) == {"Italy", "Spain", "Brazil"}
    rows = [json.loads(line) for line in (tmp_path / "predictions.jsonl").read_text().splitlines()]
    assert [r["country"] for r in rows] == ["Italy", "Spain", "Brazil"] and rows[0]["gold"] == "supportive"
    assert "macro-F1" in capsys.readouterr().out


def test_evaluate_refuses_an_invalid_file(tiny_checkpoint, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Peru.", "labels": {"Peru": "meh"}}\n')
    assert main(["evaluate", "--checkpoint", str(tiny_checkpoint), "--data", str(bad)]) == 1
    assert f"{bad}:1: unknown label 'meh'" in capsys.readouterr().err


def test_predict_answers_one_line_per_document(tiny_checkpoint, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"text": "Japan agreed."}\n{"text": "Peru objected.", "countries": ["Chile"]}\n'))
    assert main(["predict", "--checkpoint", str(tiny_checkpoint), "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert list(lines[0]["summary"]) == ["Japan"] and list(lines[1]["summary"]) == ["Chile"]


def test_predict_reports_a_bad_line_and_goes_on(tiny_checkpoint, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO('{oops\n{"text": "Japan agreed."}\n'))
    assert main(["predict", "--checkpoint", str(tiny_checkpoint), "-"]) == 1
    captured = capsys.readouterr()
    assert "-:1:" in captured.err and len(captured.out.splitlines()) == 1


def test_train_accepts_dotted_overrides(tiny_config, tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(tiny_config.to_yaml())
    out = tmp_path / "ckpt"
    assert main(["train", "--config", str(config), "--output", str(out), "--training.epochs", "1"]) == 0
    meta = json.loads((out / "stance.json").read_text())
    assert meta["training_config"]["training"]["epochs"] == 1


def test_train_if_stale_skips_an_up_to_date_checkpoint(tiny_config, tiny_checkpoint, tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(tiny_config.to_yaml())
    assert main(["train", "--config", str(config), "--output", str(tiny_checkpoint), "--if-stale"]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_train_refuses_invalid_data_and_writes_nothing(tiny_config, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    config = tmp_path / "run.yaml"
    config.write_text(tiny_config.to_yaml())
    assert main(["train", "--config", str(config), "--train", str(bad), "--output", str(tmp_path / "out")]) == 1
    assert f"{bad}:1: invalid JSON" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_predict_takes_a_development_from_the_line_or_the_option(tiny_checkpoint, monkeypatch, capsys):
    lines = '{"text": "Japan agreed."}\n{"text": "Japan agreed.", "development": "the pact"}\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert main(["predict", "--checkpoint", str(tiny_checkpoint), "--development", "the pact", "-"]) == 0
    first, second = (json.loads(line)["sentences"][0]["countries"][0]["scores"] for line in capsys.readouterr().out.splitlines())
    assert first == second


def test_predict_reports_a_development_that_is_not_a_short_string(tiny_checkpoint, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"text": "Japan agreed.", "development": 7}\n'))
    assert main(["predict", "--checkpoint", str(tiny_checkpoint), "-"]) == 1
    assert "'development' must be a string" in capsys.readouterr().err
