"""绩效评价管理: 自评任务, the online scorecard with evidence, review, 抽查复核 and 重点评价.

- :mod:`.models` — tasks issued by 财政, one scorecard (自评表) per department-year dataset,
  its entries, evidence files, the sample drawn for 抽查复核 and third-party evaluations;
- :mod:`.flow` — the self-evaluation workflow as data (on the shared workflow core);
- :mod:`.scoring` — the entered scorecard put into the engine's dataset and scored by the
  engine (``jixiao.scoring.score_dataset``): the web layer never computes a point itself;
- :mod:`.sampling` — the stated, seeded rule by which 抽查复核 items are drawn;
- :mod:`.services` — every write, each recorded (workflow events, simple-history).
"""
