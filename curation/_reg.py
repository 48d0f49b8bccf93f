# helper: append a register row / victims / new-field rows as JSON lines (scratch, built into CSVs at the end)
import json,sys
kind=sys.argv[1]; d=json.loads(sys.stdin.read())
open(f'_scratch_{kind}.jsonl','a').write(json.dumps(d,ensure_ascii=False)+'\n')
