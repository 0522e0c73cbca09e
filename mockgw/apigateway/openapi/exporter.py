def export_document(*a, **k): raise NotImplementedError
