"""Timed exam simulations from the blueprint of the student's track (issue 9, `/exam`).

    exams = Exams(tutor, SqlExamStore(store))
    await exams.start(ref, short=False) -> ExamQuestion    the first question (or raises
                                                           ExamRunning: resume with current)
    await exams.current(ref)            -> ExamQuestion | ExamResult   resume after a restart
    await exams.answer(ref, ask_id, letters) -> ExamQuestion | ExamResult   next, or the end
    await exams.stop(ref)               -> ExamSummary     abandon the running exam
    await exams.history(ref)            -> list[ExamSummary]
    await exams.result(ref, exam_id)    -> ExamResult      (misses paged by the adapters)
    await exams.tick(now)               -> int             expire exams past their deadline

Each exam question is an ask with purpose "exam", created when the exam starts and answered
through the tutor's answer path (the attempt, review card and domain counters as for any
answer) in the same transaction that moves the exam on. No feedback is given until the end.
Deadlines are checked on every interaction and by the scheduler's tick (no job per exam).
"""
