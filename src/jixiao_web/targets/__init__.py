"""绩效目标管理: the 部门整体 and project target forms of the budget year being prepared."""
